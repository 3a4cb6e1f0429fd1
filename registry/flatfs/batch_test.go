package flatfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// testBlocks returns n distinct raw blocks of a few KiB.
func testBlocks(t *testing.T, n int) []manifest.Block {
	t.Helper()
	var out []manifest.Block
	for i := range n {
		data := bytes.Repeat([]byte{byte(i), byte(i >> 8), 'b'}, 1000+i)
		out = append(out, manifest.Block{CID: sum(t, 1, cid.Raw, data), Data: data})
	}
	return out
}

// TestBatchSyncsBeforeRename checks the durability rule of a Batch: every
// block file is synced while it still has its temporary name, every
// directory that gains a name is synced after the renames, and nothing is
// visible in the store before Commit.
func TestBatchSyncsBeforeRename(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s, err := Open(dir, nil) // syncing
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blks := testBlocks(t, 40)

	b := s.NewBatch()
	var mu sync.Mutex
	synced := map[string]bool{}
	temps := 0
	b.syncFn = func(p string) error {
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		base := filepath.Base(p)
		switch {
		case fi.IsDir():
			// Directories are synced after the renames into them.
			for _, blk := range blks {
				if f := blockFile(dir, blk.CID); filepath.Dir(f) == p {
					if _, err := os.Stat(f); err != nil {
						t.Errorf("directory %s synced before %s was renamed into it", p, f)
					}
				}
			}
		case !strings.HasPrefix(base, tmpPrefix):
			t.Errorf("synced %s, which is not a temporary file", p)
		default:
			mu.Lock()
			temps++
			mu.Unlock()
		}
		mu.Lock()
		synced[p] = true
		mu.Unlock()
		return syncPath(p)
	}
	bs := b.Blockstore()
	for _, blk := range blks {
		if err := b.Put(ctx, blk.CID, blk.Data); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.Has(ctx, blk.CID); ok {
			t.Fatalf("%s visible in the store before Commit", blk.CID)
		}
		if got, err := bs.Get(ctx, blk.CID); err != nil || !bytes.Equal(got.RawData(), blk.Data) {
			t.Fatalf("batch Get %s: %v", blk.CID, err)
		}
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, blk := range blks {
		got, err := s.Get(ctx, blk.CID)
		if err != nil || !bytes.Equal(got, blk.Data) {
			t.Fatalf("Get %s after Commit: %v", blk.CID, err)
		}
		if d := filepath.Dir(blockFile(dir, blk.CID)); !synced[d] {
			t.Errorf("directory %s not synced", d)
		}
	}
	if !synced[dir] {
		t.Error("the store's root was not synced")
	}
	if temps != len(blks) {
		t.Errorf("%d block files synced for %d blocks", temps, len(blks))
	}
	assertNoTemps(t, dir)
}

// TestBatchWritesNothingTwice checks that blocks already stored intact are
// not written again, and that a corrupt copy is replaced.
func TestBatchWritesNothingTwice(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blks := testBlocks(t, 10)
	if err := s.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	bad := blockFile(dir, blks[3].CID)
	if err := os.WriteFile(bad, []byte("rot"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := s.NewBatch()
	var syncMu sync.Mutex
	var syncs []string
	b.syncFn = func(p string) error {
		syncMu.Lock()
		syncs = append(syncs, p)
		syncMu.Unlock()
		return syncPath(p)
	}
	if err := b.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	if len(b.pending) != 1 {
		t.Fatalf("%d blocks rewritten, want only the corrupt one", len(b.pending))
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, blks[3].CID); err != nil || !bytes.Equal(got, blks[3].Data) {
		t.Fatalf("corrupt copy not replaced: %v", err)
	}
	if len(syncs) != 3 { // the rewritten file, its directory and the root
		t.Errorf("synced %v", syncs)
	}

	// All present: no file written, no sync at all.
	b = s.NewBatch()
	b.syncFn = func(p string) error { t.Errorf("synced %s with nothing to write", p); return nil }
	if err := b.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestBatchDiscardAndFailure checks that a discarded batch or a failed sync
// leaves no block and no temporary file behind.
func TestBatchDiscardAndFailure(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	blks := testBlocks(t, 5)

	b := s.NewBatch()
	if err := b.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	b.Discard()
	if err := b.Put(ctx, blks[0].CID, blks[0].Data); err == nil {
		t.Error("Put after Discard succeeded")
	}

	b = s.NewBatch()
	errSync := errors.New("sync failed")
	b.syncFn = func(string) error { return errSync }
	if err := b.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(ctx); !errors.Is(err, errSync) {
		t.Fatalf("Commit: %v, want %v", err, errSync)
	}
	for _, blk := range blks {
		if ok, _ := s.Has(ctx, blk.CID); ok {
			t.Errorf("%s stored although its sync failed", blk.CID)
		}
	}
	assertNoTemps(t, dir)
}

// assertNoTemps fails if a temporary file is left under dir.
func assertNoTemps(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tmpPrefix) {
			t.Errorf("temporary file left: %s", p)
		}
		return err
	})
}

// TestPublishNeedsCommittedBatch checks the rule at the registry's level:
// content still in an uncommitted batch (not yet synced) cannot be
// published, so no head can point at it; after Commit it can.
func TestPublishNeedsCommittedBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "blocks"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	reg, err := registry.New(registry.Config{Blocks: s, Index: registrytest.NewIndex(), Signer: registrytest.Signer{N: "k51test"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	blk := testBlocks(t, 1)[0]
	b := s.NewBatch()
	if err := b.Put(ctx, blk.CID, blk.Data); err != nil {
		t.Fatal(err)
	}
	pub := registry.Publication{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), Content: blk.CID, Profile: "unixfs-v1-2025"}
	if _, _, err := reg.Publish(ctx, pub); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("Publish before Commit: %v, want ErrBlockNotFound", err)
	}
	if err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reg.Publish(ctx, pub); err != nil {
		t.Fatalf("Publish after Commit: %v", err)
	}
}
