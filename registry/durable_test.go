package registry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// batchBlocks is a registry.BlockBatcher that records when PutMany
// returned, and can fail it.
type batchBlocks struct {
	*registrytest.Blocks
	synced map[cid.Cid]bool // blocks whose PutMany returned
	fail   error
}

func (b *batchBlocks) PutMany(ctx context.Context, blks []manifest.Block) error {
	if b.fail != nil {
		return b.fail
	}
	for _, blk := range blks {
		if err := b.Put(ctx, blk.CID, blk.Data); err != nil {
			return err
		}
	}
	for _, blk := range blks {
		b.synced[blk.CID] = true
	}
	return nil
}

// watchCache checks, at every head swap, that the new root block is
// durable already.
type watchCache struct {
	*registrytest.Index
	t      *testing.T
	blocks *batchBlocks
	swaps  int
}

func (c *watchCache) SwapHead(ctx context.Context, prevSeq uint64, h registry.Head) error {
	c.swaps++
	if !c.blocks.synced[h.Root] {
		c.t.Errorf("head moved to %s before PutMany stored it", h.Root)
	}
	return c.Index.SwapHead(ctx, prevSeq, h)
}

// TestHeadMovesAfterSync checks that a registry whose Blocks batch their
// syncs stores every new block with PutMany, and moves the head only after
// PutMany returned; when PutMany fails the head stays.
func TestHeadMovesAfterSync(t *testing.T) {
	ctx := context.Background()
	blocks := &batchBlocks{Blocks: registrytest.NewBlocks(), synced: map[cid.Cid]bool{}}
	cache := &watchCache{Index: registrytest.NewIndex(), t: t, blocks: blocks}
	reg, err := registry.New(registry.Config{
		Blocks: blocks, Index: cache, Signer: registrytest.Signer{N: regName},
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	content := manifest.Block{Data: []byte("site")}
	content.CID, _ = cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(content.Data)
	if err := blocks.Put(ctx, content.CID, content.Data); err != nil {
		t.Fatal(err)
	}
	v := manifest.MustParseVersion("1.0.0")
	pub := registry.Publication{Service: "tts", Version: v, Content: content.CID, Profile: "unixfs-v1-2025"}
	before := blocks.Len()
	h, _, err := reg.Publish(ctx, pub)
	if err != nil {
		t.Fatal(err)
	}
	if cache.swaps != 2 {
		t.Fatalf("%d head swaps, want 2 (init, publish)", cache.swaps)
	}
	if added := blocks.Len() - before; added != len(blocks.synced)-2 {
		t.Errorf("%d blocks added, %d went through PutMany after init's 2", added, len(blocks.synced)-2)
	}

	blocks.fail = errors.New("disk full")
	pub.Version = manifest.MustParseVersion("1.0.1")
	if _, _, err := reg.Publish(ctx, pub); !errors.Is(err, blocks.fail) {
		t.Fatalf("Publish with failing PutMany: %v", err)
	}
	if now, _ := cache.Head(ctx, regName); now.Seq != h.Seq {
		t.Errorf("head moved to seq %d although PutMany failed", now.Seq)
	}
}
