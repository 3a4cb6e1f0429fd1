package bolt

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/svcreg/svcreg/registry"
	bbolt "go.etcd.io/bbolt"
)

// view runs fn in a read transaction. bbolt reads pages straight from its
// memory map and panics on a page it cannot parse; a file damaged after
// Open's checks (or a page the checks cannot see) becomes an error
// wrapping ErrCorruptIndex instead of a crash, memory faults included.
func (c *Cache) view(fn func(*bbolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err)
	return c.db.View(fn)
}

// update is view for a read-write transaction.
func (c *Cache) update(fn func(*bbolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err)
	return c.db.Update(fn)
}

// recoverCorrupt turns a panic (or, with SetPanicOnFault, a fault on the
// mapped file) in the calling function into an ErrCorruptIndex error.
func recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorruptIndex, r)
	}
}

// openDB is bbolt.Open with its panics and memory faults turned into
// errors wrapping ErrCorruptIndex.
func openDB(path string, o *bbolt.Options) (db *bbolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverCorrupt(&err)
	return bbolt.Open(path, 0o600, o)
}

// Heads returns the head of every registry in the index.
func (c *Cache) Heads(ctx context.Context) ([]registry.Head, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []registry.Head
	err := c.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHeads)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			h, err := decodeHead(v)
			if err != nil {
				return fmt.Errorf("head %s: %w", k, err)
			}
			h.Name = string(k)
			out = append(out, h)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read heads: %w", err)
	}
	return out, nil
}

// Check runs bbolt's consistency check over the whole file (every page
// reachable once, no page both used and free) and decodes every stored
// value. Problems wrap ErrCorruptIndex. It reads the whole file.
func (c *Cache) Check(ctx context.Context) error {
	return c.view(func(tx *bbolt.Tx) error {
		var errs []error
		for err := range tx.Check() { // drained: the check runs in a goroutine on tx
			if len(errs) < 10 {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("%w: %w", ErrCorruptIndex, errors.Join(errs...))
		}
		return checkValues(ctx, tx)
	})
}

func checkValues(ctx context.Context, tx *bbolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketHeads, bucketFloors, bucketResolutions} {
		if tx.Bucket(name) == nil {
			return corrupt("bucket %s is missing", name)
		}
	}
	err := tx.Bucket(bucketHeads).ForEach(func(k, v []byte) error {
		if _, err := decodeHead(v); err != nil {
			return fmt.Errorf("head %s: %w", k, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketFloors).ForEach(func(k, v []byte) error {
		if _, err := decodeFloor(v); err != nil {
			return fmt.Errorf("floor %s: %w", k, err)
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	return tx.Bucket(bucketResolutions).ForEachBucket(func(name []byte) error {
		return tx.Bucket(bucketResolutions).Bucket(name).ForEach(func(k, v []byte) error {
			if _, err := decodeResolution(v); err != nil {
				return fmt.Errorf("resolution %s: %w", name, err)
			}
			return nil
		})
	})
}
