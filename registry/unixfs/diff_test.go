package unixfs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

// makeTree creates a directory from path → content; a content of "/"
// makes an empty directory.
func makeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		if content == "/" {
			if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := fixtures.WriteFile(dir, p, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func changesString(cs []Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s", c.Kind, c.Path))
	}
	return strings.Join(out, "\n")
}

func TestDiff(t *testing.T) {
	base := map[string]string{"index.html": "hello", "a/b.txt": "b", "a/c.txt": "c", "a/deep/d.txt": "d", "same/x": "x", "f": "file", "e": "/"}
	tests := []struct {
		name string
		edit map[string]string // "" deletes
		want string
	}{
		{"identical", nil, ""},
		{"one file changed", map[string]string{"a/deep/d.txt": "D"}, "modified a/deep/d.txt"},
		{"added and removed", map[string]string{"new.txt": "n", "a/c.txt": "", "a/z.txt": "z"},
			"removed a/c.txt\nadded a/z.txt\nadded new.txt"},
		{"file became a directory", map[string]string{"f": "", "f/inner": "i"}, "modified f"},
		{"empty directory filled", map[string]string{"e/now": "n"}, "added e/now"},
	}
	for _, profile := range profiles {
		oldBS := memBlockstore()
		old := mustImport(t, oldBS, makeTree(t, base), Options{Profile: profile})
		for _, tt := range tests {
			t.Run(profile+"/"+tt.name, func(t *testing.T) {
				files := map[string]string{}
				for p, c := range base {
					files[p] = c
				}
				for p, c := range tt.edit {
					if c == "" {
						delete(files, p)
					} else {
						files[p] = c
					}
				}
				newBS := NewMemoryBlockstore()
				res := mustImport(t, newBS, makeTree(t, files), Options{Profile: profile})
				cs, err := Diff(context.Background(), oldBS, old.Root, newBS, res.Root)
				if err != nil {
					t.Fatal(err)
				}
				if got := changesString(cs); got != tt.want {
					t.Fatalf("changes:\n%s\nwant:\n%s", got, tt.want)
				}
				for _, c := range cs {
					if (c.Kind == Added) == c.Old.Defined() || (c.Kind == Removed) == c.New.Defined() {
						t.Errorf("%+v: old and new CIDs do not fit the kind", c)
					}
				}
			})
		}
	}
}

// TestDiffHAMT compares two HAMT-sharded directories that differ in two
// entries.
func TestDiffHAMT(t *testing.T) {
	src := fixtureDir(t, "v1edge-hamt")
	oldBS, old := importFixture(t, "v1edge-hamt", ProfileV1, false)
	dir := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) < 2 {
		t.Fatalf("fixture: %d entries, %v", len(entries), err)
	}
	changed := entries[len(entries)/2].Name()
	if err := os.WriteFile(filepath.Join(dir, changed), []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "zz-new"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	newBS := NewMemoryBlockstore()
	res := mustImport(t, newBS, dir, Options{Profile: ProfileV1})
	cs, err := Diff(context.Background(), oldBS, old.Root, newBS, res.Root)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := changesString(cs), "modified "+changed+"\nadded zz-new"; got != want {
		t.Fatalf("changes:\n%s\nwant:\n%s", got, want)
	}
}

func TestDiffMissingBlocks(t *testing.T) {
	bs := memBlockstore()
	res := mustImport(t, bs, makeTree(t, map[string]string{"a": "a"}), Options{})
	other := mustImport(t, bs, makeTree(t, map[string]string{"a": "b"}), Options{})
	_, err := Diff(context.Background(), NewMemoryBlockstore(), res.Root, bs, other.Root)
	if !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("diff against an empty store: %v, want ErrBlockNotFound", err)
	}
}
