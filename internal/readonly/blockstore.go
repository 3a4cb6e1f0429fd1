// Package readonly wraps a boxo blockstore so that it refuses every write:
// what the gateway and the peer serve from, which must never change the
// home's blocks.
package readonly

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// Blockstore reads from the Blockstore it wraps and refuses writes with
// an error that wraps Err.
type Blockstore struct {
	blockstore.Blockstore
	Err error
}

// Put refuses the write.
func (b Blockstore) Put(_ context.Context, blk blocks.Block) error {
	return fmt.Errorf("put block %s: %w", blk.Cid(), b.Err)
}

// PutMany refuses the write.
func (b Blockstore) PutMany(context.Context, []blocks.Block) error {
	return fmt.Errorf("put blocks: %w", b.Err)
}

// DeleteBlock refuses the removal.
func (b Blockstore) DeleteBlock(_ context.Context, c cid.Cid) error {
	return fmt.Errorf("delete block %s: %w", c, b.Err)
}
