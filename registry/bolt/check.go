package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"
)

// view runs fn in a read transaction. bbolt reads pages straight from its
// memory map and panics on a page it cannot parse; a file damaged after
// Open's checks (or a page the checks cannot see) becomes an error
// wrapping ErrCorruptIndex instead of a crash, memory faults included.
//
// A file that shrank since Open (bbolt never shrinks a file it has open)
// is refused before the transaction starts: bbolt reads its meta pages
// when a transaction begins, and a fault there would leave its locks
// held. A fault inside fn is rolled back by bbolt.
func (c *Index) view(fn func(*bbolt.Tx) error) (err error) {
	if err := c.checkSize(); err != nil {
		return err
	}
	began := false
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer c.recoverCorrupt(&err, &began)
	return c.db.View(func(tx *bbolt.Tx) error { began = true; return fn(tx) })
}

// update is view for a read-write transaction.
func (c *Index) update(fn func(*bbolt.Tx) error) (err error) {
	if err := c.checkSize(); err != nil {
		return err
	}
	began := false
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer c.recoverCorrupt(&err, &began)
	return c.db.Update(func(tx *bbolt.Tx) error { began = true; return fn(tx) })
}

// checkSize refuses a file shorter than it was at Open or at the last
// check.
func (c *Index) checkSize() error {
	if c.broken.Load() {
		return fmt.Errorf("%w: an earlier read failed", ErrCorruptIndex)
	}
	fi, err := os.Stat(c.db.Path())
	if err != nil {
		return fmt.Errorf("index %s: %w", c.db.Path(), err)
	}
	for {
		seen := c.size.Load()
		if fi.Size() < seen {
			return fmt.Errorf("%w: %s shrank from %d to %d bytes while open", ErrCorruptIndex, c.db.Path(), seen, fi.Size())
		}
		if c.size.CompareAndSwap(seen, fi.Size()) {
			return nil
		}
	}
}

// recoverCorrupt turns a panic (or, with SetPanicOnFault, a fault on the
// mapped file) in the calling function into an ErrCorruptIndex error. A
// panic inside the transaction's function is rolled back by bbolt; one
// before it began (began false) may have left bbolt's locks held, so the
// cache is marked broken and Close does not wait for them.
func (c *Index) recoverCorrupt(err *error, began *bool) {
	if r := recover(); r != nil {
		if !*began {
			c.broken.Store(true)
		}
		*err = fmt.Errorf("%w: %v", ErrCorruptIndex, r)
	}
}

// recoverOpen is recoverCorrupt for Open, before there is a Index.
func recoverOpen(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorruptIndex, r)
	}
}

// openDB is bbolt.Open with its panics and memory faults turned into
// errors wrapping ErrCorruptIndex.
func openDB(path string, o *bbolt.Options) (db *bbolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer recoverOpen(&err)
	return bbolt.Open(path, 0o600, o)
}

// Heads returns the head of every registry in the index.
func (c *Index) Heads(ctx context.Context) ([]registry.Head, error) {
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
func (c *Index) Check(ctx context.Context) error {
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
			// A damaged or unchecked answer is the cache's to drop, not
			// damage to the index: Resolutions reports it.
			if _, err := decodeResolution(string(name), k, v); err != nil && !uncheckedOrDamaged(err) {
				return fmt.Errorf("resolution %s: %w", name, err)
			}
			return nil
		})
	})
}

// CachedResolution is one stored answer, as Resolutions lists them.
type CachedResolution struct {
	Root  cid.Cid // the manifest root it was answered at
	Query string  // the spec it answers
	// Damaged, when set, is why the answer is never given: it fails its
	// check (wraps registry.ErrDamagedResolution).
	Damaged error
	registry.Resolution
}

// uncheckedOrDamaged reports whether err is decodeResolution's for an
// answer without a check or one that fails it.
func uncheckedOrDamaged(err error) bool {
	return errors.Is(err, layout.ErrUnchecked) || errors.Is(err, layout.ErrCheckMismatch)
}

// Resolutions returns every resolution cached for the registry name.
func (c *Index) Resolutions(ctx context.Context, name string) ([]CachedResolution, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []CachedResolution
	err := c.view(func(tx *bbolt.Tx) error {
		b := resolutionBucket(tx, name)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			root, rest, err := splitResolutionKey(k)
			if err != nil {
				return err
			}
			r, err := decodeResolution(name, k, v)
			var damaged error
			switch {
			case errors.Is(err, layout.ErrCheckMismatch):
				damaged = fmt.Errorf("%w: %w", registry.ErrDamagedResolution, err)
			case err != nil && !errors.Is(err, layout.ErrUnchecked):
				return err
			}
			out = append(out, CachedResolution{Root: root, Query: rest, Damaged: damaged, Resolution: r})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read resolutions %s: %w", name, err)
	}
	return out, nil
}

// splitResolutionKey parses a key made by resolutionKey: the root CID's
// bytes, a 0x00 separator, the query.
func splitResolutionKey(k []byte) (cid.Cid, string, error) {
	n, root, err := cid.CidFromBytes(k)
	if err != nil || n >= len(k) || k[n] != 0x00 {
		return cid.Undef, "", corrupt("resolution key %x", k)
	}
	return root, string(k[n+1:]), nil
}

// DropResolutions deletes every resolution cached for the registry name.
func (c *Index) DropResolutions(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("drop resolutions %s: %w", name, ErrReadOnly)
	}
	err := c.update(func(tx *bbolt.Tx) error {
		res := tx.Bucket(bucketResolutions)
		if err := res.DeleteBucket([]byte(name)); err != nil && !errors.Is(err, bbolterrors.ErrBucketNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop resolutions %s: %w", name, err)
	}
	return nil
}
