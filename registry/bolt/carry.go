package bolt

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ipfs/go-cid"
	"go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry"
)

var _ registry.ResolutionIndex = (*Index)(nil)

// Queries implements registry.ResolutionIndex: the queries answered at
// root for name, in byte order.
func (c *Index) Queries(ctx context.Context, name string, root cid.Cid) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var qs []string
	prefix := resolutionKey(root, "")
	err := c.view(func(tx *bbolt.Tx) error {
		b := resolutionBucket(tx, name)
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			qs = append(qs, string(k[len(prefix):]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read queries %s: %w", name, err)
	}
	return qs, nil
}

// SwapHeadResolutions implements registry.ResolutionIndex: SwapHead (with
// the root floor when rf.Root is defined, as SwapHeadRoot) that caches
// the answers rs at h.Root in the same transaction.
func (c *Index) SwapHeadResolutions(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor, rs map[string]registry.Resolution) error {
	if !rf.Root.Defined() {
		return c.swapHead(ctx, prevSeq, h, nil, rs)
	}
	return c.swapHead(ctx, prevSeq, h, &rf, rs)
}
