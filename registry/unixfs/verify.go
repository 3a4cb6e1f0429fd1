package unixfs

import (
	"context"
	"fmt"
	"sync"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// verifyingBlockstore rehashes every block it returns and refuses those that
// do not match their CID. It embeds the Blockstore interface, not the
// concrete store, so optional fast paths such as blockstore.Viewer are hidden
// and every read goes through Get.
type verifyingBlockstore struct {
	blockstore.Blockstore

	mu      sync.Mutex
	corrupt error // the first verification failure
}

// Get returns the block c after checking that its bytes hash to c.
func (v *verifyingBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b, err := v.Blockstore.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	sum, err := c.Prefix().Sum(b.RawData())
	if err != nil {
		return nil, fmt.Errorf("verify block %s: %w", c, err)
	}
	if !sum.Equals(c) {
		err := fmt.Errorf("verify block %s: got %s: %w", c, sum, ErrCorruptBlock)
		v.mu.Lock()
		if v.corrupt == nil {
			v.corrupt = err
		}
		v.mu.Unlock()
		return nil, err
	}
	return b, nil
}

// explain returns the first verification failure if there was one, else err.
// boxo's batched reads (GetBlocks) turn a failed Get into a plain miss, so
// the error that reaches the caller may only say "not found".
func (v *verifyingBlockstore) explain(err error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.corrupt != nil {
		return v.corrupt
	}
	return err
}
