package main

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadOnlyMount runs the read commands against a home on a real
// read-only bind mount, in a private mount namespace (unshare -m): the
// case testdata/readonly_home.txtar forces with SVCREG_READONLY. As root
// (CI) the namespace must work; elsewhere the test is skipped when it
// cannot be made, and the txtar still covers the read-only path.
func TestReadOnlyMount(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare: testdata/readonly_home.txtar covers the read-only path")
	}
	flags := "-m"
	if os.Geteuid() != 0 {
		flags = "-rm" // a user namespace, where the mount is allowed
	}
	home := t.TempDir()
	site := filepath.Join(t.TempDir(), "site")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	name := strings.TrimSpace(mustSvcreg(t, home, "init"))
	mustSvcreg(t, home, "publish", "tts@1.0.0", site)
	want := strings.TrimSpace(mustSvcreg(t, home, "resolve", "tts")) // cached for the fast path
	proj := t.TempDir()
	if err := os.WriteFile(filepath.Join(proj, "svcreg.json"), []byte(`{"registry": "`+name+`", "services": {"tts": "^1"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lock := exec.Command(os.Args[0], "lock")
	lock.Dir, lock.Env = proj, append(os.Environ(), asSvcreg+"=1", "SVCREG_HOME="+home)
	if out, err := lock.CombinedOutput(); err != nil {
		t.Fatalf("lock: %v\n%s", err, out)
	}

	// ro runs svcreg with home mounted read-only over itself.
	ro := func(dir string, args ...string) (string, string, int) {
		t.Helper()
		script := `mount --bind "$H" "$H" && mount -o remount,ro,bind "$H" "$H" || exit 97
if touch "$H/probe" 2>/dev/null; then echo "the mount is writable" >&2; exit 98; fi
exec "$@"`
		cmd := exec.Command(unshare, append([]string{flags, "sh", "-c", script, "sh", os.Args[0]}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), asSvcreg+"=1", "SVCREG_HOME="+home, "H="+home, readOnlyEnv+"=")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code == 97 || code == 98 {
			if os.Geteuid() == 0 {
				t.Fatalf("cannot make a read-only mount as root: %s", stderr.String())
			}
			t.Skipf("no read-only mount here (%s); testdata/readonly_home.txtar covers the read-only path", stderr.String())
		}
		return stdout.String(), stderr.String(), code
	}
	before := treeState(t, home)
	out := t.TempDir()
	for _, tc := range []struct {
		dir  string
		args []string
		want string // in stdout
	}{
		{"", []string{"resolve", "tts"}, want},
		{"", []string{"resolve", "tts@^1.0"}, want},
		{"", []string{"ls", "tts"}, "1.0.0 " + want},
		{"", []string{"info", "tts"}, want},
		{"", []string{"log"}, "publish tts@1.0.0"},
		{"", []string{"get", "tts", "-o", filepath.Join(out, "tts")}, want},
		{proj, []string{"check", "--offline"}, "svcreg.lock: ok"},
		{proj, []string{"install", "--offline"}, want},
	} {
		stdout, stderr, code := ro(tc.dir, tc.args...)
		if code != 0 || !strings.Contains(stdout, tc.want) {
			t.Errorf("svcreg %s on a read-only home: exit %d, stdout %q, stderr %q; want exit 0 and %q",
				strings.Join(tc.args, " "), code, stdout, stderr, tc.want)
		}
	}
	if _, stderr, code := ro("", "publish", "tts@2.0.0", site); code != exitInput || !strings.Contains(stderr, "is read-only") {
		t.Errorf("publish on a read-only home: exit %d, %q; want exit %d", code, stderr, exitInput)
	}
	if after := treeState(t, home); after != before {
		t.Errorf("the read-only run changed the home:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// treeState describes every file under dir: path, size, mode, time, bytes.
func treeState(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(p + " " + fi.Mode().String() + " " + fi.ModTime().String())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %d %x", len(data), sha256.Sum256(data))
		}
		b.WriteString("\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
