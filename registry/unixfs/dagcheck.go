package unixfs

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
)

// CheckDAG reads every block of the DAG under root from bs, once each,
// and checks it against its CID, without writing anything. It returns the
// number of blocks read. A missing block wraps registry.ErrBlockNotFound,
// a block that does not hash to its CID ErrCorruptBlock (which is
// registry.ErrCorruptBlock).
func CheckDAG(ctx context.Context, bs blockstore.Blockstore, root cid.Cid) (int, error) {
	n := 0
	err := WalkDAG(ctx, bs, root, nil, func(_ cid.Cid, err error) error {
		if err != nil {
			return fmt.Errorf("check %s: %w", root, err)
		}
		n++
		return nil
	})
	return n, err
}
