package car_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// FuzzRead feeds arbitrary files to Read: it must never panic, and every
// block it stores must hash to its CID.
func FuzzRead(f *testing.F) {
	fx := newFixture(f)
	good := writeDAG(f, fx.blocks, []cid.Cid{fx.head.Root}, fx.head.Root)
	f.Add(good)
	f.Add(good[:100])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dst := checkingBlocks{t, registrytest.NewBlocks()}
		c, _ := car.Read(context.Background(), bytes.NewReader(data), dst, nil)
		if c.Blocks < dst.Len() {
			t.Fatalf("%d blocks read, %d stored", c.Blocks, dst.Len())
		}
	})
}

// checkingBlocks fails the test when a block that does not hash to its
// CID is stored.
type checkingBlocks struct {
	t testing.TB
	*registrytest.Blocks
}

func (b checkingBlocks) Put(ctx context.Context, c cid.Cid, data []byte) error {
	if err := manifest.CheckBlock(c, data); err != nil {
		b.t.Fatalf("stored a bad block: %v", err)
	}
	return b.Blocks.Put(ctx, c, data)
}
