package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// traced runs the built svcreg under strace and returns the trace of the
// system calls given (strace -e trace=…).
func traced(t *testing.T, strace, bin, home, calls string, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "trace")
	cmd := exec.Command(strace, append([]string{"-f", "-qq", "-e", "trace=" + calls, "-o", out, bin}, args...)...)
	cmd.Env = append(os.Environ(), "SVCREG_HOME="+home)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("svcreg %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// buildSvcreg builds the program users run (as TestWarmBinaryInitOrder).
func buildSvcreg(t *testing.T) (strace, bin string) {
	t.Helper()
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed (.ci/deps installs it): the fsync and open counts are not checked")
	}
	return strace, buildShipped(t)
}

var syncCall = regexp.MustCompile(`(?m)\b(fsync|fdatasync|sync_file_range)\(`)

// TestReadsDoNotSync: commands that only read (check included) open the index read-only
// and write nothing, so they never wait for the disk (issue 19: `ls` paid
// two fdatasyncs, a resolve four).
func TestReadsDoNotSync(t *testing.T) {
	strace, bin := buildSvcreg(t)
	home, name := publisher(t)
	// The publish cached the answer for its service's bare name (and what
	// was asked before it), so even the first resolve after it reads only.
	if tr := traced(t, strace, bin, home, "fsync,fdatasync,sync_file_range", "resolve", "tts"); syncCall.MatchString(tr) {
		t.Errorf("the first resolve after a publish syncs:\n%s", tr)
	}
	mustSvcreg(t, home, "resolve", "tts@^1.0") // a spec never asked: caches its answer, one write
	project := filepath.Join(t.TempDir(), "svcreg.json")
	if err := os.WriteFile(project, []byte(`{"registry": "`+name+`", "services": {"tts": "^1.0.0"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSvcreg(t, home, "lock", "--project", project)
	for _, args := range [][]string{
		{"resolve", "tts"}, // the warm path
		{"resolve", "tts", "--json"},
		{"resolve", "tts@^1.0"},
		{"ls"},
		{"ls", "tts"},
		{"info", "tts"},
		{"log"},
		{"url", "tts"},
		{"name"},
		{"check", "--project", project},
		{"check", "--project", project, "--content"},
	} {
		tr := traced(t, strace, bin, home, "fsync,fdatasync,sync_file_range", args...)
		n := len(syncCall.FindAllString(tr, -1))
		t.Logf("svcreg %s: %d sync calls", strings.Join(args, " "), n)
		if n != 0 {
			t.Errorf("svcreg %s: %d sync calls, want 0:\n%s", strings.Join(args, " "), n, tr)
		}
	}
}

var indexOpen = regexp.MustCompile(`(?m)^.*open(at)?\(.*index\.db".*= [0-9]+$`)

// TestFollowOpensIndexOnce: a followed resolve reads the index once and
// writes what it verified back once; a warm one (within the TTL) only
// reads it, and syncs nothing. Opens that fail (a file not there yet)
// are not counted. Each bbolt open of the file is two
// openat calls: the check of its meta pages, and bbolt's own.
func TestFollowOpensIndexOnce(t *testing.T) {
	strace, bin := buildSvcreg(t)
	pub, name := publisher(t)
	gw := newGateway(t, pub)
	home := filepath.Join(t.TempDir(), "follower")
	args := []string{"resolve", "tts", "--registry", name, "--gateway", gw.URL}

	tr := traced(t, strace, bin, home, "openat,open", append(args, "--refresh")...)
	t.Logf("first followed resolve: %d opens of index.db", len(indexOpen.FindAllString(tr, -1)))
	if n := len(indexOpen.FindAllString(tr, -1)); n > 2 {
		t.Errorf("first followed resolve: %d opens of index.db, want at most 2 (one bbolt open to write):\n%s", n, strings.Join(indexOpen.FindAllString(tr, -1), "\n"))
	}
	tr = traced(t, strace, bin, home, "openat,open,fsync,fdatasync,sync_file_range", append(args, "--refresh")...)
	t.Logf("followed resolve --refresh: %d opens of index.db, %d sync calls", len(indexOpen.FindAllString(tr, -1)), len(syncCall.FindAllString(tr, -1)))
	if n := len(indexOpen.FindAllString(tr, -1)); n > 4 {
		t.Errorf("followed resolve --refresh: %d opens of index.db, want at most 4 (read once, write once):\n%s", n, strings.Join(indexOpen.FindAllString(tr, -1), "\n"))
	}
	tr = traced(t, strace, bin, home, "openat,open,fsync,fdatasync,sync_file_range", args...)
	t.Logf("warm followed resolve: %d opens of index.db, %d sync calls", len(indexOpen.FindAllString(tr, -1)), len(syncCall.FindAllString(tr, -1)))
	if n := len(indexOpen.FindAllString(tr, -1)); n > 2 {
		t.Errorf("warm followed resolve: %d opens of index.db, want at most 2 (one read-only bbolt open):\n%s", n, strings.Join(indexOpen.FindAllString(tr, -1), "\n"))
	}
	if n := len(syncCall.FindAllString(tr, -1)); n != 0 {
		t.Errorf("warm followed resolve: %d sync calls, want 0", n)
	}
}
