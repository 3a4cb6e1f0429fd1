package flatfs

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// Options configure Open. A nil *Options means the zero value.
type Options struct {
	// NoSync skips fsync of block files and directories. Only for tests
	// and benchmarks: a crash can leave truncated blocks (which reads then
	// report as corrupt).
	NoSync bool
	// KeepCorrupt leaves a block that fails verification where it is
	// instead of moving it into quarantine (.quarantine) on the read that
	// finds it: for checks that must change nothing (fsck) and read-only
	// homes.
	KeepCorrupt bool
}

// Store is a registry.Blocks on a flatfs directory. It is safe for
// concurrent use.
type Store struct {
	ds *dirStore
	bs *verifiedBlockstore
}

var (
	_ registry.Blocks       = (*Store)(nil)
	_ registry.BlockBatcher = (*Store)(nil)
)

// Open opens the block directory dir. Opening writes nothing: a dir that
// does not exist (or is empty) reads as an empty store, and the first
// write creates it with kubo's sharding (and a missing parent directory,
// mode 0700). It fails if dir has another sharding function, or holds
// files but no SHARDING file.
func Open(dir string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	ds, err := openDir(dir, !o.NoSync)
	if err != nil {
		return nil, fmt.Errorf("open block store %s: %w", dir, err)
	}
	bs := newVerifiedBlockstore(ds)
	bs.dir = ds
	bs.keepCorrupt = o.KeepCorrupt
	return &Store{ds: ds, bs: bs}, nil
}

// Close releases the store.
func (s *Store) Close() error {
	if err := s.ds.Close(); err != nil {
		return fmt.Errorf("close block store: %w", err)
	}
	return nil
}

// Blockstore returns a boxo blockstore over the same directory. Its Get
// verifies each block and fails with an error wrapping both
// registry.ErrCorruptBlock and blockstore.ErrHashMismatch on a mismatch;
// missing blocks are reported as ipld.ErrNotFound.
func (s *Store) Blockstore() blockstore.Blockstore {
	return s.bs
}

// Get returns the block c, verified against c. It wraps
// registry.ErrBlockNotFound (and ipld.ErrNotFound) when the block is
// absent and registry.ErrCorruptBlock when the stored bytes do not hash
// to c.
func (s *Store) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	return s.GetInto(ctx, c, nil)
}

// GetInto is Get reading the block into buf when it fits there (its
// capacity is at least the block's size plus one byte), else into a new
// slice: a caller that reads many blocks, one after the other, reuses one
// buffer instead of allocating (and zeroing) one per block. The bytes
// returned are verified against c as Get's are; they are the caller's
// until it reuses buf.
func (s *Store) GetInto(ctx context.Context, c cid.Cid, buf []byte) ([]byte, error) {
	data, err := s.bs.getInto(ctx, c, buf)
	return blockData(c, data, err)
}

// blockData returns the bytes of a block read for c, or the read's error
// wrapping registry.ErrBlockNotFound or registry.ErrCorruptBlock.
func blockData(c cid.Cid, data []byte, err error) ([]byte, error) {
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, registry.ErrCorruptBlock):
		return nil, err // already names the block
	case ipld.IsNotFound(err):
		return nil, fmt.Errorf("get block %s: %w (%w)", c, registry.ErrBlockNotFound, err)
	default:
		return nil, fmt.Errorf("get block %s: %w", c, err)
	}
}

// Put stores data under c; the caller guarantees that data hashes to c.
// It does nothing when an intact copy is already stored, and rewrites a
// corrupt one.
func (s *Store) Put(ctx context.Context, c cid.Cid, data []byte) error {
	if !c.Defined() {
		return errors.New("put block: undefined cid")
	}
	blk, err := blocks.NewBlockWithCid(data, c)
	if err != nil {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	if err := s.bs.Put(ctx, blk); err != nil {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	return nil
}

// PutMany stores blks as one Batch: when it returns, every block is on
// stable storage (unless Options.NoSync), after one round of syncs.
func (s *Store) PutMany(ctx context.Context, blks []manifest.Block) error {
	b := s.NewBatch()
	if err := b.PutMany(ctx, blks); err != nil {
		b.Discard()
		return err
	}
	return b.Commit(ctx)
}

// Has reports whether a block with c's multihash is stored. It does not
// read or verify the block.
func (s *Store) Has(ctx context.Context, c cid.Cid) (bool, error) {
	ok, err := s.bs.Has(ctx, c)
	if err != nil {
		return false, fmt.Errorf("has block %s: %w", c, err)
	}
	return ok, nil
}
