//go:build linux && (amd64 || arm64)

package warm

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestStatLayout checks the struct stat offsets against package syscall.
func TestStatLayout(t *testing.T) {
	var st syscall.Stat_t
	if unsafe.Sizeof(st) != statSize || unsafe.Offsetof(st.Mode) != statMode || unsafe.Offsetof(st.Size) != statSizeAt {
		t.Fatalf("struct stat: size %d, mode at %d, size at %d; want %d, %d, %d",
			unsafe.Sizeof(st), unsafe.Offsetof(st.Mode), unsafe.Offsetof(st.Size), statSize, statMode, statSizeAt)
	}
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, make([]byte, 12345), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	resetArena()
	got, _ := newStat()
	p, _ := cstring(path, "")
	if !statPath(p, got, 0) || got.mode() != st.Mode || got.size() != 12345 {
		t.Fatalf("statPath: mode %o size %d, want %o 12345", got.mode(), got.size(), st.Mode)
	}
	if p, _ := cstring(path, "nosuch"); statPath(p, got, 0) {
		t.Fatal("statPath of a missing file succeeded")
	}
}

// TestGetenv: the environment read from /proc/self/environ is the one
// the process started with, which nothing in this test binary changes.
func TestGetenv(t *testing.T) {
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			continue
		}
		if got := getenv(k); got != os.Getenv(k) {
			t.Errorf("getenv(%q) = %q, os.Getenv %q", k, got, v)
		}
	}
	if got := getenv("SVCREG_TEST_NOSUCH_VARIABLE"); got != "" {
		t.Errorf("getenv of an unset variable: %q", got)
	}
}

// TestResolutionAllocs: reading the index allocates nothing (the arena
// holds it all).
func TestResolutionAllocs(t *testing.T) {
	path, asks := testIndex(t)
	a := asks[len(asks)/2]
	qname, qrange, _ := strings.Cut(a[1], "@")
	if _, ok := resolve(path, a[0], a[1]); !ok {
		t.Fatalf("%q: no answer", a)
	}
	allocs := testing.AllocsPerRun(20, func() {
		resetArena()
		p, _ := cstring(path, "")
		if _, ok := resolution(p, a[0], qname, qrange); !ok {
			t.Fatal("no answer")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per resolution", allocs)
	}
}
