package unixfs

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	chunk "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

// layoutFile builds data's file DAG with boxo's balanced layout, with the
// plain size splitter or with a leafHasher, and returns the root CID, the
// CIDs of every block stored, and the leafHasher's hits.
func layoutFile(t *testing.T, data io.ReaderAt, size int64, profile string, parallel bool) (cid.Cid, []cid.Cid, int) {
	t.Helper()
	prof, err := settings(profile)
	if err != nil {
		t.Fatal(err)
	}
	importMu.Lock()
	defer importMu.Unlock()
	applyGlobals(prof)
	bs := memBlockstore()
	params := helpers.DagBuilderParams{
		Dagserv:    merkledag.NewDAGService(blockservice.New(bs, nil)),
		RawLeaves:  prof.RawLeaves,
		Maxlinks:   prof.FileDAGWidth,
		CidBuilder: prof.CidBuilder(),
	}
	var spl chunk.Splitter = chunk.NewSizeSplitter(io.NewSectionReader(data, 0, size), prof.ChunkSize)
	var lh *leafHasher
	if parallel {
		lh = newLeafHasher(data, int(prof.ChunkSize), prof.CidBuilder().(cid.Prefix), prof.RawLeaves, nil, nil)
		defer lh.close()
		spl, params.CidBuilder = lh, lh.builder()
	}
	db, err := params.New(spl)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := balanced.Layout(db)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := bs.AllKeysChan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var all []cid.Cid
	for k := range keys {
		all = append(all, k)
	}
	hits := 0
	if lh != nil {
		hits = lh.hits
	}
	return nd.Cid(), all, hits
}

// TestLeafHasherSameDAG checks that hashing leaves in parallel builds the
// same blocks as boxo's own splitter, with every leaf hashed by a worker,
// for sizes around chunk and tree-level boundaries in both profiles.
func TestLeafHasherSameDAG(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, p := range profiles {
		prof, _ := settings(p)
		cs := int(prof.ChunkSize)
		sizes := []int{cs + 1, 2 * cs, 3*cs - 1, 5*cs + 7}
		if p == ProfileV0 {
			// 174 links per node: 175 chunks need a second level.
			sizes = append(sizes, prof.FileDAGWidth*cs+1)
		}
		for _, size := range sizes {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			want, wantBlocks, _ := layoutFile(t, bytes.NewReader(data), int64(size), p, false)
			for _, src := range []io.ReaderAt{bytes.NewReader(data), inPlace(data)} {
				got, gotBlocks, hits := layoutFile(t, src, int64(size), p, true)
				if !got.Equals(want) || len(gotBlocks) != len(wantBlocks) {
					t.Errorf("%s %d B from %T: parallel %s (%d blocks), boxo %s (%d blocks)", p, size, src, got, len(gotBlocks), want, len(wantBlocks))
				}
				if leaves := (size + cs - 1) / cs; hits != leaves {
					t.Errorf("%s %d B from %T: %d of %d leaves hashed by workers", p, size, src, hits, leaves)
				}
			}
		}
	}
}

// failingReaderAt fails every read at or past off.
type failingReaderAt struct {
	r   io.ReaderAt
	off int64
}

var errDisk = errors.New("disk on fire")

func (f failingReaderAt) ReadAt(b []byte, off int64) (int, error) {
	if off >= f.off {
		return 0, errDisk
	}
	return f.r.ReadAt(b, off)
}

// TestLeafHasherReadError checks that a read error reaches the caller and
// that close returns with workers still holding chunks.
func TestLeafHasherReadError(t *testing.T) {
	prof, _ := settings(ProfileV1)
	cs := int(prof.ChunkSize)
	data := make([]byte, 8*cs)
	lh := newLeafHasher(failingReaderAt{bytes.NewReader(data), int64(3 * cs)}, cs, prof.CidBuilder().(cid.Prefix), true, nil, nil)
	var err error
	for n := 0; n < 10 && err == nil; n++ {
		_, err = lh.NextBytes()
	}
	lh.close()
	if !errors.Is(err, errDisk) {
		t.Fatalf("NextBytes: %v, want %v", err, errDisk)
	}

	// Closing early, before reading anything, must not hang.
	lh = newLeafHasher(bytes.NewReader(data), cs, prof.CidBuilder().(cid.Prefix), true, nil, nil)
	lh.close()
}

// TestHashMatchesImport checks that Hash, which drops blocks and reuses
// chunk buffers, gives kubo's CIDs and the same Result as Import for every
// fixture tree in both profiles, and for a file of many chunks.
func TestHashMatchesImport(t *testing.T) {
	want := golden(t)
	for _, c := range fixtures.Cases() {
		if testing.Short() && c.Big {
			continue
		}
		for _, p := range profiles {
			res, err := Hash(context.Background(), fixtureDir(t, c.Tree), Options{Profile: p, Hidden: c.Hidden})
			if err != nil {
				t.Fatal(err)
			}
			if !res.Root.Equals(want[c.Name][p]) {
				t.Errorf("%s %s: Hash %s, kubo %s", c.Name, p, res.Root, want[c.Name][p])
			}
			if _, imp := importFixture(t, c.Tree, p, c.Hidden); res != imp {
				t.Errorf("%s %s: Hash %+v, Import %+v", c.Name, p, res, imp)
			}
		}
	}
	dir := t.TempDir()
	if err := fixtures.BigFile(dir, 40*fixtures.MiB+12345); err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		var last int64
		res, err := Hash(context.Background(), dir, Options{Profile: p, Progress: func(n int64) { last = n }})
		if err != nil {
			t.Fatal(err)
		}
		if size := uint64(40*fixtures.MiB + 12345); res.Size != size || res.Files != 1 || last != int64(size) {
			t.Errorf("40 MiB file %s: %d files, %d B, progress %d; want 1 file, %d B", p, res.Files, res.Size, last, size)
		}
		if imp := mustImport(t, memBlockstore(), dir, Options{Profile: p}); res != imp {
			t.Errorf("40 MiB file %s: Hash %+v, Import %+v", p, res, imp)
		}
	}
}

// copyingBlockstore copies every block it is given, as Options.PutCopies
// requires.
type copyingBlockstore struct{ blockstore.Blockstore }

func (c copyingBlockstore) Put(ctx context.Context, b blocks.Block) error {
	nb, err := blocks.NewBlockWithCid(bytes.Clone(b.RawData()), b.Cid())
	if err != nil {
		return err
	}
	return c.Blockstore.Put(ctx, nb)
}

func (c copyingBlockstore) PutMany(ctx context.Context, bs []blocks.Block) error {
	for _, b := range bs {
		if err := c.Put(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

// TestImportPutCopies checks that Import with PutCopies (blocks put one by
// one, chunk buffers reused) stores the same, intact blocks as Import.
func TestImportPutCopies(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := fixtures.BigFile(dir, 20*fixtures.MiB+777); err != nil {
		t.Fatal(err)
	}
	for _, p := range profiles {
		want := mustImport(t, memBlockstore(), dir, Options{Profile: p})
		bs := copyingBlockstore{memBlockstore()}
		got := mustImport(t, bs, dir, Options{Profile: p, PutCopies: true})
		if got != want {
			t.Errorf("%s: PutCopies %+v, Import %+v", p, got, want)
		}
		keys, err := bs.AllKeysChan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for k := range keys {
			b, err := bs.Get(ctx, k)
			if err != nil {
				t.Fatal(err)
			}
			if c, err := k.Prefix().Sum(b.RawData()); err != nil || !bytes.Equal(c.Hash(), k.Hash()) {
				t.Fatalf("%s: stored block %s does not hash to its CID", p, k)
			}
			n++
		}
		if n < 21 {
			t.Errorf("%s: %d blocks stored", p, n)
		}
	}
}
