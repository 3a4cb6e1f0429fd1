package unixfs

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// verifyingBlockstore rehashes every block it returns and refuses those that
// do not match their CID. It embeds the Blockstore interface, not the
// concrete store, so optional fast paths such as blockstore.Viewer are hidden
// and every read goes through Get.
type verifyingBlockstore struct {
	blockstore.Blockstore

	mu      sync.Mutex
	corrupt error // the first verification failure
	// damaged and missing are the first failures of the store below:
	// a block it found damaged itself, a block it does not have.
	damaged, missing error
}

// Get returns the block c after checking that its bytes hash to c.
func (v *verifyingBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b, err := v.Blockstore.Get(ctx, c)
	if err != nil {
		v.note(err)
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

// note remembers err, a failed read of the store below, when it is the
// first damaged or the first missing block.
func (v *verifyingBlockstore) note(err error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case errors.Is(err, ErrCorruptBlock):
		if v.damaged == nil {
			v.damaged = err
		}
	case ipld.IsNotFound(err):
		if v.missing == nil {
			v.missing = err
		}
	}
}

// explain returns the first verification failure if there was one (its
// own; the store's when err does not name one), else err, naming the
// first block not found when err does not: boxo's batched reads (GetBlocks) turn a failed Get into a
// plain miss and the whole read into "failed to fetch all nodes".
func (v *verifyingBlockstore) explain(err error) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case v.corrupt != nil:
		return v.corrupt
	case v.damaged != nil && !errors.Is(err, ErrCorruptBlock):
		return v.damaged
	case v.missing != nil && !ipld.IsNotFound(err):
		return fmt.Errorf("%w: %w", err, v.missing)
	}
	return err
}
