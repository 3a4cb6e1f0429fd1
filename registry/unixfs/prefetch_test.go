package unixfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestReadSmall(t *testing.T) {
	dir := t.TempDir()
	var buf []byte // files of up to 100 bytes are small
	for _, n := range []int{0, 1, 99, 100, 101, 5000, 7} {
		p := filepath.Join(dir, "f")
		want := bytes.Repeat([]byte{'x'}, n)
		if err := os.WriteFile(p, want, 0o644); err != nil {
			t.Fatal(err)
		}
		data, large, scratch, err := readSmall(p, buf, 100, nil)
		buf = scratch
		switch {
		case err != nil:
			t.Errorf("%d bytes: %v", n, err)
		case large != (n > 100):
			t.Errorf("%d bytes: large = %v", n, large)
		case !large && !bytes.Equal(data, want):
			t.Errorf("%d bytes: read %d bytes", n, len(data))
		}
	}
	// A symlink where a regular file was listed is refused, not followed.
	if err := os.Symlink("f", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := readSmall(filepath.Join(dir, "link"), buf, 100, nil); err == nil {
		t.Error("readSmall followed a symlink")
	}
	if _, _, _, err := readSmall(filepath.Join(dir, "missing"), buf, 100, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// An import that fails part way through a large directory stops its
// reads ahead: no goroutine is left behind.
func TestPrefetchStopsOnError(t *testing.T) {
	dir := t.TempDir()
	for i := range 300 {
		if err := os.WriteFile(filepath.Join(dir, "f"+string(rune('a'+i%26))+string(rune('a'+i/26))), []byte("data"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "fb-pipe"), 0o644); err != nil { // sorts among the first files
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	if _, err := Hash(context.Background(), dir, Options{}); !errors.Is(err, ErrSpecialFile) {
		t.Fatalf("Hash: %v, want ErrSpecialFile", err)
	}
	deadline := time.Now().Add(30 * time.Second) // a guard: goroutines that never end
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after the failed import, %d before", n, before)
	}
}

// TestSmallBufs: a buffer comes back with the length asked for, a
// recycled one only when it is large enough, and a nil pool allocates.
func TestSmallBufs(t *testing.T) {
	var nilBufs *smallBufs
	if b := nilBufs.get(5); len(b) != 5 {
		t.Fatalf("nil pool: len %d, want 5", len(b))
	}
	nilBufs.put(make([]byte, minSmallBuf)) // does nothing
	bufs := new(smallBufs)
	b := bufs.get(100)
	if len(b) != 100 || cap(b) < minSmallBuf {
		t.Fatalf("get(100): len %d cap %d, want 100 and at least %d", len(b), cap(b), minSmallBuf)
	}
	bufs.put(b)
	if big := bufs.get(minSmallBuf + 1); len(big) != minSmallBuf+1 {
		t.Fatalf("get(%d): len %d", minSmallBuf+1, len(big))
	}
}
