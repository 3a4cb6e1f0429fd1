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
	vbs := &verifyingBlockstore{Blockstore: bs}
	dag := dagService(vbs)
	seen := map[cid.Cid]bool{}
	stack := []cid.Cid{root}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return len(seen), err
		}
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c] {
			continue
		}
		seen[c] = true
		nd, err := dag.Get(ctx, c)
		if err != nil {
			return len(seen), fmt.Errorf("check %s: block %s: %w", root, c, notFound(vbs.explain(err)))
		}
		for _, l := range nd.Links() {
			stack = append(stack, l.Cid)
		}
	}
	return len(seen), nil
}
