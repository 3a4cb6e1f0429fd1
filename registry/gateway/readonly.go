package gateway

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// readOnly is a blockstore that refuses writes: the gateway serves the
// home's blocks and never changes them.
type readOnly struct{ blockstore.Blockstore }

func (readOnly) Put(_ context.Context, b blocks.Block) error {
	return fmt.Errorf("put block %s: %w", b.Cid(), errReadOnly)
}

func (readOnly) PutMany(context.Context, []blocks.Block) error {
	return fmt.Errorf("put blocks: %w", errReadOnly)
}

func (readOnly) DeleteBlock(_ context.Context, c cid.Cid) error {
	return fmt.Errorf("delete block %s: %w", c, errReadOnly)
}
