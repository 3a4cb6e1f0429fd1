package unixfs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// listDir returns the names in dir, hidden ones included.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportAll(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	v1 := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 1"}), Options{}).Root
	v2 := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 2", "new.js": "js"}), Options{}).Root
	player := mustImport(t, bs, makeTree(t, map[string]string{"p.html": "player"}), Options{Profile: ProfileV0}).Root
	dir := filepath.Join(t.TempDir(), "services")

	if err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": v1, "player": player}); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"player", "tts"}) {
		t.Fatalf("installed %v", got)
	}
	if got := readFile(t, filepath.Join(dir, "tts", "index.html")); got != "tts 1" {
		t.Fatalf("tts/index.html = %q", got)
	}

	// replacing: a file added by hand disappears with the old tree, and
	// other entries of dir stay
	if err := os.WriteFile(filepath.Join(dir, "tts", "stray"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "mine"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": v2, "player": player}); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"mine", "player", "tts"}) {
		t.Fatalf("after replacing: %v", got)
	}
	if got := listDir(t, filepath.Join(dir, "tts")); !slices.Equal(got, []string{"index.html", "new.js"}) {
		t.Fatalf("tts after replacing: %v", got)
	}
}

// TestExportAllAllOrNothing: when one tree cannot be exported, no target
// changes and nothing is left behind.
func TestExportAllAllOrNothing(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	v1 := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 1"}), Options{}).Root
	v2 := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 2"}), Options{}).Root
	absent := mustImport(t, memBlockstore(), makeTree(t, map[string]string{"x": "not in bs"}), Options{}).Root
	dir := t.TempDir()
	if err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": v1}); err != nil {
		t.Fatal(err)
	}
	err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": v2, "zzz": absent})
	if !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("install with a missing tree: %v, want ErrBlockNotFound", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"tts"}) {
		t.Fatalf("left behind: %v", got)
	}
	if got := readFile(t, filepath.Join(dir, "tts", "index.html")); got != "tts 1" {
		t.Fatalf("tts changed to %q", got)
	}
}

func TestExportAllRefuses(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	root := mustImport(t, bs, makeTree(t, map[string]string{"a": "a"}), Options{}).Root
	for _, name := range []string{"..", ".", "", "a/b", ".hidden", "x\x00"} {
		if err := ExportAll(ctx, bs, t.TempDir(), map[string]cid.Cid{name: root}); !errors.Is(err, ErrUnsafeName) {
			t.Errorf("name %q: %v, want ErrUnsafeName", name, err)
		}
	}
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(dir, "tts")); err != nil {
		t.Fatal(err)
	}
	if err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": root}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("symlink target: %v, want fs.ErrExist", err)
	}
	if got := listDir(t, outside); len(got) != 0 {
		t.Errorf("wrote through the symlink: %v", got)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"tts"}) {
		t.Errorf("left behind: %v", got)
	}
}

// A failed install leaves no trace: the directories it created for dir
// are gone again, and an existing parent is left as it was.
func TestExportAllFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	ok := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 1"}), Options{}).Root
	missing := mustImport(t, memBlockstore(), makeTree(t, map[string]string{"x": "not in bs"}), Options{}).Root
	parent := t.TempDir()
	dir := filepath.Join(parent, "web", "services")
	err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": ok, "zz": missing})
	if !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("ExportAll with a missing tree: %v, want ErrBlockNotFound", err)
	}
	if got := listDir(t, parent); len(got) != 0 {
		t.Fatalf("a failed install left %v in %s", got, parent)
	}
}

// An output root that is a symlink is refused, not followed: nothing is
// written where it points.
func TestExportAllRefusesSymlinkRoot(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	v1 := mustImport(t, bs, makeTree(t, map[string]string{"index.html": "tts 1"}), Options{}).Root
	base := t.TempDir()
	elsewhere := filepath.Join(base, "elsewhere")
	if err := os.MkdirAll(filepath.Join(elsewhere, "tts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(elsewhere, "tts", "keep"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "services")
	if err := os.Symlink("elsewhere", dir); err != nil {
		t.Fatal(err)
	}
	err := ExportAll(ctx, bs, dir, map[string]cid.Cid{"tts": v1})
	if !errors.Is(err, ErrSymlinkOutput) {
		t.Fatalf("ExportAll through a symlink: %v, want ErrSymlinkOutput", err)
	}
	if got := listDir(t, elsewhere); !slices.Equal(got, []string{"tts"}) {
		t.Fatalf("elsewhere holds %v", got)
	}
	if got := readFile(t, filepath.Join(elsewhere, "tts", "keep")); got != "mine" {
		t.Fatalf("elsewhere/tts/keep = %q", got)
	}
	// a file as the output root is refused too
	file := filepath.Join(base, "file")
	os.WriteFile(file, nil, 0o644)
	if err := ExportAll(ctx, bs, file, map[string]cid.Cid{"tts": v1}); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("ExportAll into a file: %v, want fs.ErrExist", err)
	}
}
