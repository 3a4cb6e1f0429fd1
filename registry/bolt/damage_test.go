package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

const testName = "k51qzi5uqu5dtestname"

// filledIndex returns the path of a closed index with a head at seq 3 and
// enough data to span several pages.
func filledIndex(t *testing.T) string {
	t.Helper()
	c, path := openTest(t)
	for seq := uint64(1); seq <= 3; seq++ {
		mustSwap(t, c, seq-1, testHead(t, testName, seq))
	}
	for i := range 200 {
		h := testHead(t, testName, 3)
		if err := c.PutResolution(context.Background(), testName, h.Root, fmt.Sprintf("query-%03d", i), registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), CID: testCid("x")}); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// A damaged index file is an ErrCorruptIndex error at Open, never a crash
// (SIGBUS) or a silently re-initialised, empty index.
func TestOpenDamagedIndex(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"truncated to one page", func(t *testing.T, path string) { os.Truncate(path, int64(os.Getpagesize())) }},
		{"truncated by its last used page", func(t *testing.T, path string) {
			f, _ := os.Open(path)
			m, err := layout.ReadMeta(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			os.Truncate(path, int64(m.Pgid-1)*int64(m.PageSize))
		}},
		{"truncated to 0 bytes", func(t *testing.T, path string) { os.Truncate(path, 0) }},
		{"meta pages overwritten", func(t *testing.T, path string) {
			f, _ := os.OpenFile(path, os.O_WRONLY, 0)
			zero := make([]byte, 2*os.Getpagesize())
			f.WriteAt(zero, 0)
			f.Close()
		}},
		{"not a bbolt file", func(t *testing.T, path string) { os.WriteFile(path, make([]byte, 1<<16), 0o600) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filledIndex(t)
			tc.damage(t, path)
			for _, ro := range []bool{false, true} {
				c, err := Open(path, &Options{ReadOnly: ro, Timeout: -1})
				if err == nil {
					c.Close()
					t.Fatalf("Open (read-only %v) of a damaged index succeeded", ro)
				}
				if !errors.Is(err, ErrCorruptIndex) {
					t.Fatalf("Open (read-only %v): %v, want ErrCorruptIndex", ro, err)
				}
			}
		})
	}
}

// An empty file with no head files is a new index (bbolt initialises it).
func TestOpenEmptyNewIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	os.WriteFile(path, nil, 0o600)
	c, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
}

// SwapHead keeps the latest record of each registry beside the index.
func TestHeadFiles(t *testing.T) {
	c, path := openTest(t)
	for seq := uint64(1); seq <= 3; seq++ {
		mustSwap(t, c, seq-1, testHead(t, testName, seq))
	}
	mustSwap(t, c, 0, testHead(t, testName+"b", 7))
	files, err := ReadHeadFiles(HeadsDir(path))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Name+"@"+string(f.Record))
	}
	want := []string{testName + "@record " + testName + " 3", testName + "b@record " + testName + "b 7"}
	if !slices.Equal(got, want) {
		t.Fatalf("head files %q, want %q", got, want)
	}
	if err := c.Check(context.Background()); err != nil {
		t.Fatalf("check: %v", err)
	}
	heads, err := c.Heads(context.Background())
	if err != nil || len(heads) != 2 {
		t.Fatalf("heads = %v, %v", heads, err)
	}
}

// A file truncated while it is open (another process, a full disk)
// makes reads fail with ErrCorruptIndex instead of crashing the process
// with SIGBUS (a long-running server keeps the index open per request).
func TestTruncatedWhileOpen(t *testing.T) {
	path := filledIndex(t)
	c, err := Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err = c.Head(context.Background(), testName)
	if !errors.Is(err, ErrCorruptIndex) {
		t.Fatalf("Head on a truncated file: %v, want ErrCorruptIndex", err)
	}
}
