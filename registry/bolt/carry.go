package bolt

import (
	"bytes"
	"context"
	"errors"
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

// PutResolutions implements registry.ResolutionIndex: it caches every
// answer of rs at root in one transaction, and does nothing when root is
// not the stored head of name.
func (c *Index) PutResolutions(ctx context.Context, name string, root cid.Cid, rs map[string]registry.Resolution) error {
	if err := c.putResolutions(ctx, name, root, rs); err != nil {
		return fmt.Errorf("put resolutions %s: %w", name, err)
	}
	return nil
}

// putResolutions is PutResolutions without its context in errors.
func (c *Index) putResolutions(ctx context.Context, name string, root cid.Cid, rs map[string]registry.Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return ErrReadOnly
	}
	return c.update(func(tx *bbolt.Tx) error {
		h, err := readHead(tx, name)
		if errors.Is(err, registry.ErrNoHead) {
			return nil
		}
		if err != nil {
			return err
		}
		if !h.Root.Equals(root) {
			return nil
		}
		b, err := tx.Bucket(bucketResolutions).CreateBucketIfNotExists([]byte(name))
		if err != nil {
			return fmt.Errorf("create resolutions bucket: %w", err)
		}
		for q, r := range rs {
			key := resolutionKey(root, q)
			if err := b.Put(key, encodeResolution(name, key, r)); err != nil {
				return err
			}
		}
		return nil
	})
}
