package unixfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry"
)

// TestCheckTreeListsWhatExportRefuses checks that CheckTree names every
// entry Export refuses, and nothing Export writes, and that Import with
// SafeSymlinks refuses the same links.
func TestCheckTreeListsWhatExportRefuses(t *testing.T) {
	src := t.TempDir()
	for p, target := range map[string]string{
		"abs":         "/etc/passwd",
		"sub/up":      "../../outside",
		"sub/ok":      "../abs",
		"sub/deep/ok": "../../sub",
	} {
		if err := os.MkdirAll(filepath.Join(src, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(src, p)); err != nil {
			t.Fatal(err)
		}
	}
	bs := memBlockstore()
	res := mustImport(t, bs, src, Options{})
	err := CheckTree(context.Background(), bs, res.Root)
	var ue *UnsafeError
	if !errors.As(err, &ue) || !errors.Is(err, registry.ErrUnsafeContent) || !errors.Is(err, ErrUnsafeSymlink) {
		t.Fatalf("CheckTree: %v, want an *UnsafeError", err)
	}
	if len(ue.Entries) != 2 || !strings.Contains(err.Error(), `symlink abs -> "/etc/passwd"`) ||
		!strings.Contains(err.Error(), `symlink sub/up -> "../../outside"`) {
		t.Errorf("CheckTree: %v, want abs and sub/up only", err)
	}
	xerr := Export(context.Background(), bs, res.Root, filepath.Join(t.TempDir(), "out"))
	if !errors.Is(xerr, ErrUnsafeSymlink) || !strings.Contains(xerr.Error(), ue.Entries[0].Error()) {
		t.Errorf("Export: %v, want the first entry CheckTree names: %v", xerr, ue.Entries[0])
	}
	if _, err := Import(context.Background(), memBlockstore(), src, Options{SafeSymlinks: true}); !errors.Is(err, ErrUnsafeSymlink) ||
		!strings.Contains(err.Error(), `symlink abs -> "/etc/passwd"`) {
		t.Errorf("Import with SafeSymlinks: %v, want abs refused", err)
	}
	good := t.TempDir()
	if err := os.Symlink("a", filepath.Join(good, "b")); err != nil {
		t.Fatal(err)
	}
	res = mustImport(t, bs, good, Options{SafeSymlinks: true})
	if err := CheckTree(context.Background(), bs, res.Root); err != nil {
		t.Errorf("CheckTree of a safe tree: %v", err)
	}
}
