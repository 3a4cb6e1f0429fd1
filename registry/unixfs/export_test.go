package unixfs

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// TestExportRoundTrip imports trees, exports them and compares the result
// with the original tree on disk, entry by entry.
func TestExportRoundTrip(t *testing.T) {
	cases := []struct {
		tree, profile string
		hidden, big   bool
	}{
		{"nested", ProfileV1, false, false},
		{"nested", ProfileV0, false, false},
		{"symlinks", ProfileV1, false, false},
		{"unicode", ProfileV0, false, false},
		{"dotfiles", ProfileV1, true, false},
		{"dotfiles", ProfileV1, false, false},
		{"empty-dir", ProfileV1, false, false},
		{"empty-file", ProfileV0, false, false},
		{"chunk-1m+1", ProfileV1, false, false},
		{"v1edge-hamt", ProfileV1, false, true},   // HAMT
		{"multilevel-v0", ProfileV0, false, true}, // two-level file
	}
	for _, c := range cases {
		t.Run(c.tree+"/"+c.profile, func(t *testing.T) {
			if c.big && testing.Short() {
				t.Skip("big tree in -short mode")
			}
			src := fixtureDir(t, c.tree)
			bs, res := importFixture(t, c.tree, c.profile, c.hidden)
			dst := filepath.Join(t.TempDir(), "out")
			if err := Export(context.Background(), bs, res.Root, dst); err != nil {
				t.Fatal(err)
			}
			want := snapshot(t, src, c.hidden)
			got := snapshot(t, dst, true)
			compareSnapshots(t, got, want)
			if fi, err := os.Stat(dst); err != nil || fi.Mode().Perm() != 0o755&^umask() {
				t.Errorf("dst mode: %v, %v", fi.Mode(), err)
			}
		})
	}
}

// entry is what a snapshot records for one path.
type entry struct {
	kind    string // "dir", "file", "link"
	content string // file bytes or link target
}

// snapshot walks dir without following symlinks. Unless hidden, it skips
// dotfiles, as Import does.
func snapshot(t *testing.T, dir string, hidden bool) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if !hidden && strings.HasPrefix(d.Name(), ".") && rel != "." {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			out[rel] = entry{kind: "dir"}
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = entry{kind: "link", content: target}
			return err
		default:
			data, err := os.ReadFile(p)
			out[rel] = entry{kind: "file", content: string(data)}
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// compareSnapshots reports every path whose kind or content differs.
func compareSnapshots(t *testing.T, got, want map[string]entry) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: missing from export", p)
		case g.kind != w.kind:
			t.Errorf("%s: exported as %s, want %s", p, g.kind, w.kind)
		case g.content != w.content:
			t.Errorf("%s: %s content differs (%d vs %d bytes)", p, g.kind, len(g.content), len(w.content))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: exported but not in source", p)
		}
	}
}

// umask returns the process umask without changing it for long.
func umask() fs.FileMode {
	dir, err := os.MkdirTemp("", "umask-")
	if err != nil {
		return 0
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "d")
	if os.Mkdir(p, 0o777) != nil {
		return 0
	}
	fi, err := os.Stat(p)
	if err != nil {
		return 0
	}
	return 0o777 &^ fi.Mode().Perm()
}

// TestExportCorrupt alters one stored block and checks that Export fails
// with ErrCorruptBlock and leaves neither dst nor a temporary directory.
func TestExportCorrupt(t *testing.T) {
	src := fixtureDir(t, "nested")
	for _, which := range []string{"root", "leaf"} {
		t.Run(which, func(t *testing.T) {
			bs := memBlockstore()
			res := mustImport(t, bs, src, Options{})
			victim := res.Root
			if which == "leaf" {
				victim = fileLeaf(t, bs, res.Root, "assets", "img", "0.bin")
			}
			corrupt(t, bs, victim)
			parent := t.TempDir()
			dst := filepath.Join(parent, "out")
			err := Export(context.Background(), bs, res.Root, dst)
			t.Logf("error: %v", err)
			if !errors.Is(err, ErrCorruptBlock) {
				t.Fatalf("Export of corrupt %s block: err = %v, want ErrCorruptBlock", which, err)
			}
			if left, _ := os.ReadDir(parent); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// fileLeaf walks names from root and returns the first leaf of that file.
func fileLeaf(t *testing.T, bs blockstore.Blockstore, root cid.Cid, names ...string) cid.Cid {
	t.Helper()
	c := root
	for _, name := range names {
		_, nd, _ := loadFSNode(t, bs, c)
		l, err := nd.GetNodeLink(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		c = l.Cid
	}
	_, nd, _ := loadFSNode(t, bs, c)
	if len(nd.Links()) == 0 {
		t.Fatal("file has a single block")
	}
	return nd.Links()[0].Cid
}

// corrupt replaces the stored bytes of c with a flipped copy.
func corrupt(t *testing.T, bs blockstore.Blockstore, c cid.Cid) {
	t.Helper()
	ctx := context.Background()
	b, err := bs.Get(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Clone(b.RawData())
	data[len(data)/2] ^= 0xff
	bad, err := blocks.NewBlockWithCid(data, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := bs.DeleteBlock(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := bs.Put(ctx, bad); err != nil {
		t.Fatal(err)
	}
}

// TestExportUnsafeSymlink imports trees holding escaping symlinks and checks
// that Export refuses them and leaves nothing behind.
func TestExportUnsafeSymlink(t *testing.T) {
	targets := map[string]string{
		"abs":          "/etc/passwd",
		"up":           "../outside",
		"deep-up":      "sub/../../outside",
		"through-link": "self/..", // self -> "." makes self/.. the parent
	}
	for name, target := range targets {
		t.Run(name, func(t *testing.T) {
			src := t.TempDir()
			if err := os.Symlink(".", filepath.Join(src, "self")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, filepath.Join(src, "evil")); err != nil {
				t.Fatal(err)
			}
			bs := memBlockstore()
			res := mustImport(t, bs, src, Options{})
			parent := t.TempDir()
			err := Export(context.Background(), bs, res.Root, filepath.Join(parent, "out"))
			t.Logf("error: %v", err)
			if !errors.Is(err, ErrUnsafeSymlink) {
				t.Fatalf("err = %v, want ErrUnsafeSymlink", err)
			}
			if left, _ := os.ReadDir(parent); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// TestSafeSymlink checks the symlink policy on targets and depths.
func TestSafeSymlink(t *testing.T) {
	cases := []struct {
		target string
		depth  int
		ok     bool
	}{
		{"index.html", 0, true},
		{"./a/b", 0, true},
		{"../index.html", 1, true},
		{"../../x", 1, false},
		{"../x", 0, false},
		{"/abs", 3, false},
		{"a/../b", 2, false},
		{"", 0, false},
		{"a/./b/", 0, true},
	}
	for _, c := range cases {
		if got := safeSymlink(c.target, c.depth); got != c.ok {
			t.Errorf("safeSymlink(%q, %d) = %v, want %v", c.target, c.depth, got, c.ok)
		}
	}
}

// TestExportUnsafeName exports a hand-made directory with a ".." entry.
func TestExportUnsafeName(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	dserv := merkledag.NewDAGService(blockservice.New(bs, nil))
	file := merkledag.NodeWithData(ft.FilePBData([]byte("x"), 1))
	dir := ft.EmptyDirNode()
	if err := dir.AddNodeLink("..", file); err != nil {
		t.Fatal(err)
	}
	if err := dserv.AddMany(ctx, []format.Node{file, dir}); err != nil {
		t.Fatal(err)
	}
	err := Export(ctx, bs, dir.Cid(), filepath.Join(t.TempDir(), "out"))
	if !errors.Is(err, ErrUnsafeName) {
		t.Fatalf("err = %v, want ErrUnsafeName", err)
	}
}

// TestExportErrors covers an existing dst, a file root and a missing root.
func TestExportErrors(t *testing.T) {
	ctx := context.Background()
	bs, res := importFixture(t, "nested", ProfileV1, false)
	existing := t.TempDir()
	if err := Export(ctx, bs, res.Root, existing); !errors.Is(err, fs.ErrExist) {
		t.Errorf("existing dst: err = %v, want fs.ErrExist", err)
	}
	_, nd, _ := loadFSNode(t, bs, res.Root)
	l, _ := nd.GetNodeLink("index.html")
	if err := Export(ctx, bs, l.Cid, filepath.Join(t.TempDir(), "f")); !errors.Is(err, ErrNotDirectory) {
		t.Errorf("file root: err = %v, want ErrNotDirectory", err)
	}
	missing := merkledag.NodeWithData([]byte("never stored")).Cid()
	if err := Export(ctx, bs, missing, filepath.Join(t.TempDir(), "m")); err == nil {
		t.Error("missing root: no error")
	}
}
