package unixfs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestImportErrors checks that each failure wraps the documented error.
func TestImportErrors(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("missing", func(t *testing.T) {
		_, err := Import(ctx, bs, filepath.Join(dir, "nope"), Options{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("file", func(t *testing.T) {
		_, err := Import(ctx, bs, file, Options{})
		if !errors.Is(err, ErrNotDirectory) {
			t.Errorf("err = %v, want ErrNotDirectory", err)
		}
	})
	t.Run("profile", func(t *testing.T) {
		_, err := Import(ctx, bs, dir, Options{Profile: "unixfs-v2-2030"})
		if !errors.Is(err, ErrUnknownProfile) || !strings.Contains(err.Error(), ProfileV0) {
			t.Errorf("err = %v, want ErrUnknownProfile listing the valid names", err)
		}
	})
	t.Run("fifo", func(t *testing.T) {
		d := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(d, "pipe"), 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		_, err := Import(ctx, bs, d, Options{})
		if !errors.Is(err, ErrSpecialFile) {
			t.Errorf("err = %v, want ErrSpecialFile", err)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := Import(cctx, bs, fixtureDir(t, "nested"), Options{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		d := t.TempDir()
		secret := filepath.Join(d, "secret.txt")
		if err := os.WriteFile(secret, []byte("x"), 0o000); err != nil {
			t.Fatal(err)
		}
		if f, err := os.Open(secret); err == nil {
			f.Close()
			t.Skipf("a mode 000 file is still readable here (euid %d, e.g. root): cannot test", os.Geteuid())
		}
		_, err := Import(ctx, bs, d, Options{})
		if !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "secret.txt") {
			t.Errorf("err = %v, want fs.ErrPermission naming secret.txt", err)
		}
	})
}

// TestParseProfile accepts exactly the two profile names and "".
func TestParseProfile(t *testing.T) {
	for in, want := range map[string]string{"": ProfileV1, ProfileV1: ProfileV1, ProfileV0: ProfileV0} {
		if got, err := ParseProfile(in); got != want || err != nil {
			t.Errorf("ParseProfile(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"legacy-cid-v0", "UNIXFS-V1-2025", "v1"} {
		if _, err := ParseProfile(bad); !errors.Is(err, ErrUnknownProfile) {
			t.Errorf("ParseProfile(%q): err = %v", bad, err)
		}
	}
}

// TestResultCounts compares Size and Files with a plain walk of the tree.
func TestResultCounts(t *testing.T) {
	dir := fixtureDir(t, "nested")
	var files int
	var size uint64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			fi, _ := d.Info()
			files++
			size += uint64(fi.Size())
		}
		return err
	})
	var calls []int64
	res := mustImport(t, memBlockstore(), dir, Options{Progress: func(n int64) { calls = append(calls, n) }})
	if res.Files != files || res.Size != size {
		t.Errorf("Result = %d files, %d B; walk found %d files, %d B", res.Files, res.Size, files, size)
	}
	if len(calls) == 0 || calls[len(calls)-1] != int64(size) {
		t.Errorf("progress calls %v, want the last to be %d", calls, size)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i] < calls[i-1] {
			t.Errorf("progress went backwards: %v", calls)
		}
	}
}

// TestConcurrentProfiles runs imports with both profiles at once; each must
// still produce its own kubo CID.
func TestConcurrentProfiles(t *testing.T) {
	want := golden(t)
	trees := []string{"nested", "dotfiles", "chunk-256k+1"}
	for _, tree := range trees {
		fixtureDir(t, tree)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		p := profiles[i%2]
		tree := trees[i%len(trees)]
		wg.Go(func() {
			res, err := Import(context.Background(), memBlockstore(), fixtureDir(t, tree), Options{Profile: p})
			if err != nil {
				t.Error(err)
				return
			}
			if w := want[tree][p]; !res.Root.Equals(w) {
				t.Errorf("%s %s: got %s, want %s", tree, p, res.Root, w)
			}
		})
	}
	wg.Wait()
}
