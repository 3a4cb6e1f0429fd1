package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long Open waits for another process to release
// the index file when Options.Timeout is 0.
const DefaultTimeout = 30 * time.Second

// Options configure Open. A nil *Options means the zero value.
type Options struct {
	// Timeout is how long Open waits for the file lock: 0 means
	// DefaultTimeout, a negative value means a single attempt.
	Timeout time.Duration
	// ReadOnly opens the file with a shared lock, so several readers can
	// use it at once; writes then fail with ErrReadOnly. The file must
	// already exist.
	ReadOnly bool
	// Rebuild creates a missing file even though HeadsDir holds records
	// (which otherwise say the index was lost: ErrCorruptIndex). Only for
	// building a new index from those records (svcreg fsck --repair).
	Rebuild bool
	// NoSync skips fsync after each write. Only for tests and benchmarks:
	// a crash can lose or corrupt the index.
	NoSync bool
}

// Index is a registry.Index stored in one bbolt file. It is safe for
// concurrent use.
type Index struct {
	db       *bbolt.DB
	readOnly bool
	heads    string // HeadsDir of the file
	sync     bool
	size     atomic.Int64 // the file's size at the last check (check.go)
	broken   atomic.Bool  // a transaction faulted: bbolt's state is unknown
}

var _ registry.Index = (*Index)(nil)

// Open opens or creates (mode 0600) the index file at path and its
// buckets. It fails with an error wrapping ErrLocked when another process
// keeps the file locked for longer than opts.Timeout.
func Open(path string, opts *Options) (*Index, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if !o.Rebuild {
		if err := CheckLost(path); err != nil {
			return nil, err
		}
	}
	if err := checkFile(path, o.Timeout); err != nil {
		return nil, err
	}
	db, err := openDB(path, &bbolt.Options{
		Timeout:  o.Timeout,
		ReadOnly: o.ReadOnly,
		NoSync:   o.NoSync,
	})
	if errors.Is(err, bbolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open index %s: %w (waited %s)", path, ErrLocked, o.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	c := &Index{db: db, readOnly: o.ReadOnly, heads: HeadsDir(path), sync: !o.NoSync}
	if err := c.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open index %s: %w", path, err)
	}
	return c, nil
}

// init creates the buckets (read-write) and checks the layout version.
func (c *Index) init() error {
	check := func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil // a read-only open of a file no writer has initialised
		}
		if v := meta.Get(keyLayout); len(v) != 1 || v[0] != layoutVersion {
			return corrupt("layout version %x, want %d", v, layoutVersion)
		}
		return nil
	}
	if c.readOnly {
		return c.view(check)
	}
	// A file a writer has initialised needs no write: opening it runs
	// no write transaction (which would cost two fdatasyncs).
	var ready bool
	err := c.view(func(tx *bbolt.Tx) error {
		ready = initialised(tx)
		if !ready {
			return nil
		}
		return check(tx)
	})
	if err != nil || ready {
		return err
	}
	return c.update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketHeads, bucketFloors, bucketResolutions} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("create bucket %s: %w", bucketMeta, err)
		}
		if meta.Get(keyLayout) == nil {
			if err := meta.Put(keyLayout, []byte{layoutVersion}); err != nil {
				return fmt.Errorf("write layout version: %w", err)
			}
		}
		return check(tx)
	})
}

// initialised reports whether tx's file has every bucket init creates
// and a layout version.
func initialised(tx *bbolt.Tx) bool {
	for _, name := range [][]byte{bucketHeads, bucketFloors, bucketResolutions} {
		if tx.Bucket(name) == nil {
			return false
		}
	}
	meta := tx.Bucket(bucketMeta)
	return meta != nil && meta.Get(keyLayout) != nil
}

// Close releases the file and its lock.
func (c *Index) Close() error {
	if c.broken.Load() {
		// A fault may have left bbolt's locks held, and its Close would
		// wait for them forever; the process is left to release the file.
		return fmt.Errorf("close index: %w", ErrCorruptIndex)
	}
	if err := c.db.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// Head returns the stored head of name, or an error wrapping
// registry.ErrNoHead.
func (c *Index) Head(ctx context.Context, name string) (registry.Head, error) {
	if err := ctx.Err(); err != nil {
		return registry.Head{}, err
	}
	var h registry.Head
	err := c.view(func(tx *bbolt.Tx) error {
		var err error
		h, err = readHead(tx, name)
		return err
	})
	if err != nil {
		return registry.Head{}, fmt.Errorf("read head %s: %w", name, err)
	}
	return h, nil
}

// SwapHead implements registry.Index.
func (c *Index) SwapHead(ctx context.Context, prevSeq uint64, h registry.Head) error {
	return c.swapHead(ctx, prevSeq, h, nil, nil)
}

// swapHead moves the head and, when rf is not nil, the root floor in the
// same transaction, and caches the answers rs at the new head.
func (c *Index) swapHead(ctx context.Context, prevSeq uint64, h registry.Head, rf *registry.RootFloor, rs map[string]registry.Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case h.Name == "":
		return fmt.Errorf("swap head: %w: empty name", ErrInvalidHead)
	case !h.Root.Defined():
		return fmt.Errorf("swap head %s: %w: undefined root", h.Name, ErrInvalidHead)
	case h.Seq == 0:
		return fmt.Errorf("swap head %s: %w: sequence 0", h.Name, ErrInvalidHead)
	}
	if c.readOnly {
		return fmt.Errorf("swap head %s: %w", h.Name, ErrReadOnly)
	}
	err := c.update(func(tx *bbolt.Tx) error {
		var cur uint64
		switch old, err := readHead(tx, h.Name); {
		case err == nil:
			cur = old.Seq
		case !errors.Is(err, registry.ErrNoHead):
			return err
		}
		if cur != prevSeq {
			return fmt.Errorf("%w: stored seq %d, expected %d", registry.ErrHeadMoved, cur, prevSeq)
		}
		floor, err := readFloor(tx, h.Name)
		if err != nil {
			return err
		}
		if h.Seq <= floor {
			return fmt.Errorf("%w: seq %d, floor %d", registry.ErrRollback, h.Seq, floor)
		}
		name := []byte(h.Name)
		if rf != nil {
			if err := putRootFloor(tx, h.Name, *rf); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketHeads).Put(name, encodeHead(h)); err != nil {
			return fmt.Errorf("write head: %w", err)
		}
		if err := tx.Bucket(bucketFloors).Put(name, encodeFloor(h.Seq)); err != nil {
			return fmt.Errorf("write floor: %w", err)
		}
		res := tx.Bucket(bucketResolutions)
		if err := res.DeleteBucket(name); err != nil && !errors.Is(err, bbolterrors.ErrBucketNotFound) {
			return fmt.Errorf("drop resolutions: %w", err)
		}
		b, err := res.CreateBucket(name)
		if err != nil {
			return fmt.Errorf("create resolutions bucket: %w", err)
		}
		for q, r := range rs {
			key := resolutionKey(h.Root, q)
			if err := b.Put(key, encodeResolution(h.Name, key, r)); err != nil {
				return fmt.Errorf("write resolution %q: %w", q, err)
			}
		}
		// The record file goes first: if the commit fails, it names a
		// signed state whose blocks are stored, which is still a valid
		// head to rebuild from.
		return writeHeadFile(c.heads, h.Name, h.Seq, h.Record, c.sync)
	})
	if err != nil {
		return fmt.Errorf("swap head %s to seq %d: %w", h.Name, h.Seq, err)
	}
	pruneHeadFiles(c.heads, h.Name, h.Seq)
	return nil
}

// Floor returns the highest sequence ever accepted for name (0: none).
func (c *Index) Floor(ctx context.Context, name string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var floor uint64
	err := c.view(func(tx *bbolt.Tx) error {
		var err error
		floor, err = readFloor(tx, name)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("read floor %s: %w", name, err)
	}
	return floor, nil
}

// Resolution returns the cached answer for query at root, if any. An
// answer stored without a check (an older svcreg) is a miss, so that it is
// resolved and stored again. One that fails its check is dropped (unless
// the cache is read-only) and reported as an error wrapping
// registry.ErrDamagedResolution.
func (c *Index) Resolution(ctx context.Context, name string, root cid.Cid, query string) (registry.Resolution, bool, error) {
	if err := ctx.Err(); err != nil {
		return registry.Resolution{}, false, err
	}
	var (
		r       registry.Resolution
		found   bool
		damaged []byte
	)
	key := resolutionKey(root, query)
	err := c.view(func(tx *bbolt.Tx) error {
		b := resolutionBucket(tx, name)
		if b == nil {
			return nil
		}
		v := b.Get(key)
		if v == nil {
			return nil
		}
		var err error
		r, err = decodeResolution(name, key, v)
		switch {
		case errors.Is(err, layout.ErrUnchecked):
			return nil
		case errors.Is(err, layout.ErrCheckMismatch):
			damaged = bytes.Clone(v)
			return nil
		}
		found = err == nil
		return err
	})
	if err != nil {
		return registry.Resolution{}, false, fmt.Errorf("read resolution %s %q: %w", name, query, err)
	}
	if damaged != nil {
		return registry.Resolution{}, false, c.dropDamaged(name, key, query, damaged)
	}
	return r, found, nil
}

// dropDamaged deletes the resolution stored under key if it still holds
// the damaged value v, and returns the error that reports it.
func (c *Index) dropDamaged(name string, key []byte, query string, v []byte) error {
	damaged := fmt.Errorf("cached answer for %q in %s: %w", query, name, registry.ErrDamagedResolution)
	if c.readOnly {
		return damaged
	}
	err := c.update(func(tx *bbolt.Tx) error {
		b := resolutionBucket(tx, name)
		if b == nil || !bytes.Equal(b.Get(key), v) {
			return nil
		}
		return b.Delete(key)
	})
	if err != nil {
		return errors.Join(damaged, fmt.Errorf("drop it: %w", err))
	}
	return fmt.Errorf("%w (dropped)", damaged)
}

// PutResolution caches r for query at root. It does nothing when root is
// not the stored head of name.
func (c *Index) PutResolution(ctx context.Context, name string, root cid.Cid, query string, r registry.Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("put resolution %s %q: %w", name, query, ErrReadOnly)
	}
	err := c.update(func(tx *bbolt.Tx) error {
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
		key := resolutionKey(root, query)
		return b.Put(key, encodeResolution(name, key, r))
	})
	if err != nil {
		return fmt.Errorf("put resolution %s %q: %w", name, query, err)
	}
	return nil
}

// Names returns the names of the registries that have a head stored, in
// byte order.
func (c *Index) Names(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var names []string
	err := c.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketHeads)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			names = append(names, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list heads: %w", err)
	}
	return names, nil
}

// readHead returns the head of name or an error wrapping registry.ErrNoHead.
func readHead(tx *bbolt.Tx, name string) (registry.Head, error) {
	var v []byte
	if b := tx.Bucket(bucketHeads); b != nil && name != "" {
		v = b.Get([]byte(name))
	}
	if v == nil {
		return registry.Head{}, registry.ErrNoHead
	}
	h, err := decodeHead(v)
	if err != nil {
		return registry.Head{}, err
	}
	h.Name = name
	return h, nil
}

// readFloor returns the floor of name, 0 when none is stored.
func readFloor(tx *bbolt.Tx, name string) (uint64, error) {
	b := tx.Bucket(bucketFloors)
	if b == nil || name == "" {
		return 0, nil
	}
	v := b.Get([]byte(name))
	if v == nil {
		return 0, nil
	}
	return decodeFloor(v)
}

// resolutionBucket returns the resolution bucket of name, or nil.
func resolutionBucket(tx *bbolt.Tx, name string) *bbolt.Bucket {
	b := tx.Bucket(bucketResolutions)
	if b == nil || name == "" {
		return nil
	}
	return b.Bucket([]byte(name))
}
