package unixfs

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// bombDeadline bounds the tests of expansion bombs: the code they guard
// against ran for minutes on them, so they fail instead of hanging.
const bombDeadline = 20 * time.Second

// mustBomb stores a tree whose directories link the same child twice at
// every one of levels levels, above one file of fileSize bytes: levels+1
// blocks that expand to 2^levels files. It returns the root.
func mustBomb(t testing.TB, bs blockstore.Blockstore, levels, fileSize int) cid.Cid {
	t.Helper()
	ctx := context.Background()
	dag := dagOf(bs)
	var child ipld.Node
	leaf := merkledag.NewRawNode([]byte(strings.Repeat("x", fileSize)))
	if err := dag.Add(ctx, leaf); err != nil {
		t.Fatal(err)
	}
	child = leaf
	for range levels {
		dir := ft.EmptyDirNode()
		for _, name := range []string{"a", "b"} {
			if err := dir.AddNodeLink(name, child); err != nil {
				t.Fatal(err)
			}
		}
		if err := dag.Add(ctx, dir); err != nil {
			t.Fatal(err)
		}
		child = dir
	}
	return child.Cid()
}

// countingBlockstore counts the reads that reach the store under it.
type countingBlockstore struct {
	blockstore.Blockstore
	gets, sizes atomic.Int64
}

func (c *countingBlockstore) Get(ctx context.Context, k cid.Cid) (blocks.Block, error) {
	c.gets.Add(1)
	return c.Blockstore.Get(ctx, k)
}

func (c *countingBlockstore) GetSize(ctx context.Context, k cid.Cid) (int, error) {
	c.sizes.Add(1)
	return c.Blockstore.GetSize(ctx, k)
}

// A release of 41 blocks whose directories link the same child twice at
// each of 40 levels declares, consistently, 2^40 files of one byte (1 TiB).
// Expanding it reads each directory block once, and ExportSize refuses it at once
// with ErrTooLarge, writing nothing.
func TestExportSizeRefusesExpansionBomb(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), bombDeadline)
	defer cancel()
	bs := &countingBlockstore{Blockstore: memBlockstore()}
	root := mustBomb(t, bs, 40, 1)
	const tib = 1 << 40

	bs.gets.Store(0)
	bs.sizes.Store(0)
	x, err := CheckRelease(ctx, bs, root, tib, Limits{MaxSize: tib, MaxFiles: 1 << 42})
	if err != nil {
		t.Fatalf("CheckRelease with limits above the bomb: %v", err)
	}
	if want := (Expansion{Size: tib, Files: 1<<41 - 2, Depth: 40}); x != want {
		t.Errorf("Expansion = %+v, want %+v", x, want)
	}
	// Each directory block is read once, the file's size once per link.
	if gets, sizes := bs.gets.Load(), bs.sizes.Load(); gets != 40 || sizes != 2 {
		t.Errorf("expanding 41 blocks read %d blocks and %d sizes, want 40 and 2", gets, sizes)
	}

	dir := t.TempDir()
	dst := filepath.Join(dir, "out")
	bs.gets.Store(0)
	err = ExportSize(ctx, bs, root, dst, tib, Limits{})
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ExportSize still running after %s: the expansion is not memoised", bombDeadline)
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("ExportSize of a 1 TiB bomb: %v, want ErrTooLarge", err)
	}
	// Reads, not time, show the refusal did not walk the bomb.
	if gets := bs.gets.Load(); gets > 2*40 {
		t.Errorf("refusing a 41-block bomb read %d blocks", gets)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left %d entries behind", len(entries))
	}
}

// The caps refuse a bomb that stays within the recorded size: 2^16 files
// of 12 KiB (768 MiB) linked from 17 blocks, with a consumer's limit of
// 1,000 files, 100 MiB or 15 levels. Nothing is written, and
// the same tree within the caps is written in full.
func TestExportSizeLimits(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), bombDeadline)
	defer cancel()
	bs := memBlockstore()
	root := mustBomb(t, bs, 16, 12<<10)
	const size = 1 << 16 * 12 << 10
	for name, lim := range map[string]Limits{
		"files": {MaxFiles: 1000},
		"size":  {MaxSize: 100 << 20},
		"depth": {MaxDepth: 15},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			err := ExportSize(ctx, bs, root, filepath.Join(dir, "out"), size, lim)
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("ExportSize with %+v: %v, want ErrTooLarge", lim, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("left %d entries behind", len(entries))
			}
		})
	}
	small := mustBomb(t, bs, 4, 3)
	dst := filepath.Join(t.TempDir(), "out")
	if err := ExportSize(ctx, bs, small, dst, 16*3, Limits{MaxFiles: 30, MaxSize: 48, MaxDepth: 4}); err != nil {
		t.Fatalf("a tree exactly at its limits: %v", err)
	}
	if got := walkTree(t, dst); got != (Expansion{Size: 48, Files: 30, Depth: 4}) {
		t.Fatalf("wrote %+v", got)
	}
	err := ExportSize(ctx, bs, small, filepath.Join(t.TempDir(), "out"), 16*3, Limits{MaxFiles: 29})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one entry over the limit: %v, want ErrTooLarge", err)
	}
}

// A chain of directories deeper than DefaultMaxDepth is refused by
// default, before anything is written.
func TestExportRefusesDeepTree(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	dag := dagOf(bs)
	var c ipld.Node
	for i := range DefaultMaxDepth + 2 { // the innermost is DefaultMaxDepth+1 deep
		dir := ft.EmptyDirNode()
		if i > 0 {
			if err := dir.AddNodeLink("d", c); err != nil {
				t.Fatal(err)
			}
		}
		if err := dag.Add(ctx, dir); err != nil {
			t.Fatal(err)
		}
		c = dir
	}
	parent := t.TempDir()
	if err := Export(ctx, bs, c.Cid(), filepath.Join(parent, "out")); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Export of a directory %d deep: %v, want ErrTooLarge", DefaultMaxDepth+1, err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Fatalf("left %d entries behind", len(entries))
	}
}

// CheckRelease's Expansion of imported trees (HAMT-sharded directories
// included) is what exporting them writes.
func TestCheckReleaseMatchesExport(t *testing.T) {
	for _, tree := range []string{"nested", "symlinks", "empty-dir", "v1edge-hamt"} {
		t.Run(tree, func(t *testing.T) {
			bs, res := importFixture(t, tree, ProfileV1, false)
			x, err := CheckRelease(context.Background(), bs, res.Root, res.Size, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(t.TempDir(), "out")
			if err := Export(context.Background(), bs, res.Root, dst); err != nil {
				t.Fatal(err)
			}
			if got := walkTree(t, dst); x != got {
				t.Fatalf("CheckRelease = %+v, the export wrote %+v", x, got)
			}
		})
	}
}

// walkTree returns the Expansion of a directory on disk.
func walkTree(t testing.TB, dir string) Expansion {
	t.Helper()
	var x Expansion
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		x.Files++
		x.Depth = max(x.Depth, len(strings.Split(rel, string(filepath.Separator))))
		if d.Type().IsRegular() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			x.Size += uint64(fi.Size())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return x
}
