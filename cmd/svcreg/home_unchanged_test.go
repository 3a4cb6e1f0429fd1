package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFailedCommandsLeaveHome runs commands that only read, and commands
// that fail, against a home path that does not exist (nor its parent),
// an empty home and a home with a registry, and checks that the home's tree (names, sizes,
// modes) is what it was before: no home, block store, index or config
// appears. Verified blocks stored in the cache (a publish that conflicts
// stores its content first) are the one exception, as docs/CLI.md says.
func TestFailedCommandsLeaveHome(t *testing.T) {
	tmp := t.TempDir()
	site := writeTextSite(t, filepath.Join(tmp, "site"), "tts")
	other := writeTextSite(t, filepath.Join(tmp, "other"), "other content")
	badCar := filepath.Join(tmp, "bad.car")
	if err := os.WriteFile(badCar, []byte("not a car"), 0o644); err != nil {
		t.Fatal(err)
	}
	project := filepath.Join(tmp, "svcreg.json")
	if err := os.WriteFile(project, []byte(`{"registry": "k51qzi5uqu5dlq98grp7vyqnoxpe9ot0u2brpqs91qbl8g5cgmbtgk43l57fdo", "services": {"tts": "^1"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "out")
	const foreign = "k51qzi5uqu5dlq98grp7vyqnoxpe9ot0u2brpqs91qbl8g5cgmbtgk43l57fdo"
	commands := [][]string{
		{"ls"}, {"ls", "tts"}, {"resolve", "tts"}, {"resolve", "nosuch"}, {"info", "tts"}, {"log"},
		{"url", "tts"}, {"name"}, {"verify", site, "tts@1.0.0"}, {"fsck"}, {"gc", "--dry-run"},
		{"get", "nosuch", "-o", out}, {"get", "tts", "-o", filepath.Join(tmp, "missing", "x")},
		{"export", "nosuch", "-o", filepath.Join(tmp, "x.car")},
		{"export", "tts", "-o", filepath.Join(tmp, "missing", "x.car")},
		{"tag", "tts@9.9.9", "beta"}, {"yank", "tts@9.9.9"},
		{"publish", "tts@1.0.0", other}, {"publish", "tts@2.0.0", filepath.Join(tmp, "missing")},
		{"import", filepath.Join(tmp, "missing.car")}, {"import", badCar},
		{"push", "--kubo", "http://127.0.0.1:1"}, {"republish", "--kubo", "http://127.0.0.1:1"},
		{"resolve", "tts", "--registry", foreign, "--offline"},
		{"resolve", "tts", "--registry", foreign, "--gateway", "http://127.0.0.1:1"},
		{"remote", "ls"}, {"remote", "rm", "nosuch"}, {"replica", "ls"}, {"replica", "rm", "nosuch"},
		{"key", "export", "-o", filepath.Join(tmp, "missing", "key")},
		{"lock", "--offline", "--project", project}, {"check", "--offline", "--project", project},
		{"install", "--offline", "--project", project, "-o", out},
		{"update", "--offline", "--project", project},
	}

	withRegistry := filepath.Join(tmp, "registry")
	must(t, withRegistry, "init")
	must(t, withRegistry, "publish", "tts@1.0.0", site)
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(tmp, "fresh") // does not exist, nor does its home below
	for _, home := range []string{fresh, filepath.Join(fresh, "home"), empty, withRegistry} {
		watch := home // the tree compared
		if strings.HasPrefix(home, fresh) {
			watch = fresh
		}
		for _, args := range commands {
			name := strings.TrimPrefix(home, tmp) + " " + strings.Join(args, " ")
			before := homeTree(t, watch)
			r := svcreg(t, home, args...)
			if after := homeTree(t, watch); after != before {
				t.Errorf("%s (exit %d: %s) changed the home:\nbefore:\n%safter:\n%s", name, r.code, r.stderr, before, after)
			}
		}
	}
}

// writeTextSite makes a service directory of one file holding text.
func writeTextSite(t *testing.T, dir, text string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// homeTree describes the tree at dir, one line per entry: its path, mode
// and, for a file, its size ("absent" when dir does not exist). Block
// files and the shard directories holding them are left out: a failed
// command may keep verified blocks in the cache.
func homeTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if isBlockPath(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %s", rel, fi.Mode())
		if fi.Mode().IsRegular() {
			fmt.Fprintf(&b, " %d", fi.Size())
		}
		b.WriteString("\n")
		return nil
	})
	if os.IsNotExist(err) {
		return "absent\n"
	} else if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// isBlockPath reports whether rel, relative to a home, is a shard
// directory of the block store or a block file in one.
func isBlockPath(rel string) bool {
	parts := strings.Split(rel, string(filepath.Separator))
	if len(parts) < 2 || parts[0] != blocksDir || len(parts[1]) != 2 {
		return false
	}
	return len(parts) == 2 || len(parts) == 3 && strings.HasSuffix(parts[2], ".data")
}
