package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyQuotesNames: a file name with escape sequences (set the
// terminal's title, clear the screen) is printed quoted, never raw; JSON
// keeps it, escaped by JSON.
func TestVerifyQuotesNames(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	src := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(src, 0o755)
	if err := os.WriteFile(filepath.Join(src, "index.html"), []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, home, "init")
	must(t, home, "publish", "tts@1.0.0", src)
	evil := "evil\x1b]0;pwned\x07\x1b[2J\x1b[H.txt"
	if err := os.WriteFile(filepath.Join(src, evil), []byte("x"), 0o644); err != nil {
		t.Skipf("the file system refuses the name: %v", err)
	}
	r := svcreg(t, home, "verify", src, "tts@1.0.0")
	if r.code != exitVerifyDiffers {
		t.Fatalf("verify: exit %d, want %d\n%s", r.code, exitVerifyDiffers, r.stderr)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
		t.Fatalf("verify printed a raw escape sequence:\n%q\n%q", r.stdout, r.stderr)
	}
	if want := `added    "evil\x1b]0;pwned\a\x1b[2J\x1b[H.txt"`; !strings.Contains(r.stdout, want) {
		t.Fatalf("stdout %q lacks %q", r.stdout, want)
	}
	r = svcreg(t, home, "verify", src, "tts@1.0.0", "--json")
	if strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, `"evil\u001b]0;pwned\u0007\u001b[2J\u001b[H.txt"`) {
		t.Fatalf("--json: %s", r.stdout)
	}
}

// TestPublishVerboseQuotesNames: the paths publish --verbose lists as left
// out (here a dotfile whose name holds escape sequences) are quoted too.
func TestPublishVerboseQuotesNames(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	src := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(src, 0o755)
	if err := os.WriteFile(filepath.Join(src, "index.html"), []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	evil := ".evil\x1b]0;pwned\x07\x1b[2J.txt"
	if err := os.WriteFile(filepath.Join(src, evil), []byte("x"), 0o644); err != nil {
		t.Skipf("the file system refuses the name: %v", err)
	}
	must(t, home, "init")
	r := svcreg(t, home, "publish", "tts@1.0.0", src, "--verbose")
	if r.code != 0 {
		t.Fatalf("publish: exit %d\n%s", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07") {
		t.Fatalf("publish --verbose printed a raw escape sequence:\n%q", r.stderr)
	}
	if want := `left out ".evil\x1b]0;pwned\a\x1b[2J.txt"`; !strings.Contains(r.stderr, want) {
		t.Fatalf("stderr %q lacks %q", r.stderr, want)
	}
}
