package unixfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
)

// ExportSize accepts every fixture at the size Import reported.
func TestExportSizeRoundTrip(t *testing.T) {
	for _, tree := range []string{"nested", "symlinks", "empty-dir", "empty-file", "chunk-1m+1"} {
		t.Run(tree, func(t *testing.T) {
			bs, res := importFixture(t, tree, ProfileV1, false)
			dst := filepath.Join(t.TempDir(), "out")
			if err := ExportSize(context.Background(), bs, res.Root, dst, res.Size, Limits{}); err != nil {
				t.Fatal(err)
			}
			bad := filepath.Join(t.TempDir(), "bad")
			err := ExportSize(context.Background(), bs, res.Root, bad, res.Size+1, Limits{})
			if !errors.Is(err, ErrSizeMismatch) {
				t.Fatalf("size+1: %v, want ErrSizeMismatch", err)
			}
			if _, err := os.Lstat(bad); err == nil {
				t.Fatal("output written despite the mismatch")
			}
		})
	}
}

func dagOf(bs blockstore.Blockstore) format.DAGService {
	return merkledag.NewDAGService(blockservice.New(bs, nil))
}

// One 64 KiB block linked 2,048 times by a release declaring size 1 is
// refused before anything is written (it would write 128 MiB).
func TestExportSizeRefusesAmplification(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	dag := dagOf(bs)
	leaf := merkledag.NodeWithData(ft.FilePBData(bytes.Repeat([]byte("x"), 64<<10), 64<<10))
	if err := dag.Add(ctx, leaf); err != nil {
		t.Fatal(err)
	}
	dir := ft.EmptyDirNode()
	for i := range 2048 {
		if err := dir.AddNodeLink(fmt.Sprintf("f%04d", i), leaf); err != nil {
			t.Fatal(err)
		}
	}
	if err := dag.Add(ctx, dir); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "out")
	err := ExportSize(ctx, bs, dir.Cid(), dst, 1, Limits{})
	if !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("ExportSize: %v, want ErrSizeMismatch", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dst)); len(entries) != 0 {
		t.Fatalf("left %d entries behind", len(entries))
	}
}

// A file whose node declares fewer bytes than its blocks hold is refused
// while writing, even by plain Export, after at most one byte more.
func TestExportRefusesFileLargerThanDeclared(t *testing.T) {
	ctx := context.Background()
	bs := memBlockstore()
	dag := dagOf(bs)
	big := merkledag.NewRawNode(bytes.Repeat([]byte("y"), 1<<20))
	if err := dag.Add(ctx, big); err != nil {
		t.Fatal(err)
	}
	fsn := ft.NewFSNode(ft.TFile)
	fsn.AddBlockSize(1) // declares 1 byte; the leaf holds 1 MiB
	data, err := fsn.GetBytes()
	if err != nil {
		t.Fatal(err)
	}
	file := merkledag.NodeWithData(data)
	if err := file.AddNodeLink("", big); err != nil {
		t.Fatal(err)
	}
	if err := dag.Add(ctx, file); err != nil {
		t.Fatal(err)
	}
	dir := ft.EmptyDirNode()
	if err := dir.AddNodeLink("f", file); err != nil {
		t.Fatal(err)
	}
	if err := dag.Add(ctx, dir); err != nil {
		t.Fatal(err)
	}
	for name, export := range map[string]func(dst string) error{
		"Export":     func(dst string) error { return Export(ctx, bs, dir.Cid(), dst) },
		"ExportSize": func(dst string) error { return ExportSize(ctx, bs, dir.Cid(), dst, 1, Limits{}) },
	} {
		dst := filepath.Join(t.TempDir(), "out")
		if err := export(dst); !errors.Is(err, ErrSizeMismatch) {
			t.Errorf("%s: %v, want ErrSizeMismatch", name, err)
		}
		if _, err := os.Lstat(dst); err == nil {
			t.Errorf("%s: output written", name)
		}
	}
}

// ExportAllSized refuses a tree whose files do not add up to its declared
// size, and leaves dir as it was.
func TestExportAllSized(t *testing.T) {
	ctx := context.Background()
	bs, res := importFixture(t, "nested", ProfileV1, false)
	dir := filepath.Join(t.TempDir(), "services")
	trees := map[string]cid.Cid{"tts": res.Root}
	err := ExportAllSized(ctx, bs, dir, trees, map[string]uint64{"tts": 1}, Limits{})
	if !errors.Is(err, ErrSizeMismatch) {
		t.Fatalf("ExportAllSized with a wrong size: %v, want ErrSizeMismatch", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("left %d entries in dir", len(entries))
	}
	if err := ExportAllSized(ctx, bs, dir, trees, map[string]uint64{"tts": res.Size}, Limits{}); err != nil {
		t.Fatal(err)
	}
}
