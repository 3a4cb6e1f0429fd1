package unixfs

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
)

// WalkDAG visits every block of the DAG under root (dag-pb and raw
// blocks, as Import writes them) once, reading each from bs and checking
// it against its CID. visit gets each block's CID and nil, or the error
// of reading it, wrapping registry.ErrBlockNotFound or ErrCorruptBlock;
// the walk does not go below a block it could not read. Blocks for which
// skip returns true (already visited by the caller, say) are neither read
// nor visited. When visit returns an error the walk stops with it.
//
// fsck and gc use it to list the blocks a release's content consists of.
func WalkDAG(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, skip func(cid.Cid) bool, visit func(cid.Cid, error) error) error {
	vbs := &verifyingBlockstore{Blockstore: bs}
	dag := dagService(vbs)
	seen := map[cid.Cid]bool{}
	stack := []cid.Cid{root}
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c] || (skip != nil && skip(c)) {
			continue
		}
		seen[c] = true
		nd, err := dag.Get(ctx, c)
		if err != nil {
			err = fmt.Errorf("block %s: %w", c, notFound(err))
			if vbs.corrupt != nil {
				err = vbs.corrupt
				vbs.corrupt = nil
			}
			if err := visit(c, err); err != nil {
				return err
			}
			continue
		}
		if err := visit(c, nil); err != nil {
			return err
		}
		for _, l := range nd.Links() {
			stack = append(stack, l.Cid)
		}
	}
	return nil
}
