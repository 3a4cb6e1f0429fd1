package peer

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// errReadOnly is returned by readOnly's writes: the peer serves blocks
// and never stores any.
var errReadOnly = errors.New("the peer's block store is read only")

// readOnly is the block store bitswap serves from.
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
