package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/svcreg/svcreg/internal/atomicfile"
)

func TestWriteFileReplaces(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, s := range []string{"one", "two, longer"} {
		if err := atomicfile.WriteFile(p, []byte(s), 0o600, true); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != s {
			t.Fatalf("after writing %q: %q, %v", s, b, err)
		}
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode: %v, %v", fi.Mode(), err)
	}
	assertOnly(t, dir, "f")
}

// A failing writer leaves the old content and no temporary file.
func TestWriteFailureChangesNothing(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := atomicfile.WriteFile(p, []byte("old"), 0o644, false); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := atomicfile.Write(p, 0o644, true, func(w io.Writer) error {
		io.WriteString(w, "half of the new")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write: %v, want boom", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("content %q after a failed write", b)
	}
	assertOnly(t, dir, "f")
	if err := atomicfile.WriteFile(filepath.Join(dir, "missing", "f"), nil, 0o644, true); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	es, _ := os.ReadDir(dir)
	var got []string
	for _, e := range es {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
}

// WriteOutput writes a FIFO (like a device) in place, never renamed
// over: that would replace it with a regular file (as root, /dev/null).
// A directory is ErrIsDir.
func TestWriteOutputSpecialInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("fifo", link); err != nil {
		t.Fatal(err)
	}
	// A reader that does not block opening, so the writer's open succeeds.
	r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, p := range []string{fifo, link} {
		if err := atomicfile.WriteOutput(p, 0o644, func(w io.Writer) error { _, err := io.WriteString(w, "data;"); return err }); err != nil {
			t.Fatalf("write %s: %v", p, err)
		}
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode().Type() != os.ModeNamedPipe {
		t.Fatalf("the FIFO was replaced: %v, %v", fi.Mode(), err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode().Type() != os.ModeSymlink {
		t.Fatalf("the symlink to the FIFO was replaced: %v, %v", fi.Mode(), err)
	}
	buf := make([]byte, 64)
	if n, _ := r.Read(buf); string(buf[:n]) != "data;data;" {
		t.Fatalf("read from the FIFO: %q", buf[:n])
	}
	assertOnly(t, dir, "fifo", "link")

	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteOutput(sub, 0o644, func(io.Writer) error { return nil }); !errors.Is(err, atomicfile.ErrIsDir) {
		t.Fatalf("write over a directory: %v, want ErrIsDir", err)
	}
	assertOnly(t, sub)
}

// Write (the home's own files) replaces a FIFO or a symlink planted at its
// path and never writes through it.
func TestWriteReplacesSpecial(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	p := filepath.Join(dir, "f")
	if err := os.Symlink("fifo", p); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteFile(p, []byte("x"), 0o600, true); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(p); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("%s: %v, %v; want a regular file", p, fi.Mode(), err)
	}
}
