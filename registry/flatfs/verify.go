package flatfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/svcreg/svcreg/registry"
)

// verifiedBlockstore is a boxo blockstore over a datastore without key
// prefix (kubo's flatfs layout) that verifies every block it returns and
// rewrites corrupt copies on Put.
type verifiedBlockstore struct {
	// Blockstore skips a Put when the key exists (boxo's default).
	blockstore.Blockstore
	// writeThrough always writes; used once Put has decided a write is
	// needed.
	writeThrough blockstore.Blockstore
	// dir, when set, is touched for blocks already stored (maint.go); dir
	// and memo let Get skip hashing a block file version it has verified
	// before (memo.go).
	dir  *dirStore
	memo *verifiedMemo
	// keepCorrupt: Options.KeepCorrupt.
	keepCorrupt bool
}

var (
	_ blockstore.Blockstore           = (*verifiedBlockstore)(nil)
	_ blockstore.AllKeysChanWithErrer = (*verifiedBlockstore)(nil)
)

func newVerifiedBlockstore(d *dirStore) *verifiedBlockstore {
	return &verifiedBlockstore{
		Blockstore:   blockstore.NewBlockstoreNoPrefix(d),
		writeThrough: blockstore.NewBlockstore(d, blockstore.NoPrefix(), blockstore.WriteThrough(true)),
		dir:          d,
		memo:         newVerifiedMemo(),
	}
}

// Get returns the block c after checking that its bytes hash to c: when
// this version of its file was not verified before (memo.go). A block
// that fails the check is moved into quarantine (it is never served, and
// the block counts as missing until an intact copy is fetched and put).
// While it is missing, reads still say it was corrupt, wrapping both
// registry.ErrCorruptBlock and ipld's not-found error (so that fetchers
// fetch it again).
func (v *verifiedBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	data, err := v.getInto(ctx, c, nil)
	if err != nil {
		return nil, err
	}
	return blocks.NewBlockWithCid(data, c)
}

// getInto is Get of the block's bytes, read into buf when they fit in it.
func (v *verifiedBlockstore) getInto(ctx context.Context, c cid.Cid, buf []byte) ([]byte, error) {
	data, err := v.get(ctx, c, buf)
	switch {
	case v.dir == nil || err == nil:
	case errors.Is(err, registry.ErrCorruptBlock):
		if !v.keepCorrupt {
			v.dir.quarantine(c.Hash()) // best effort: the block is refused either way
		}
	case ipld.IsNotFound(err) && v.dir.quarantined(c.Hash()):
		err = fmt.Errorf("verify block %s: %w: found corrupt and moved to %s (%w)", c, registry.ErrCorruptBlock, quarantineDir, err)
	}
	if err != nil {
		return nil, err
	}
	return data, nil
}

func (v *verifiedBlockstore) get(ctx context.Context, c cid.Cid, buf []byte) ([]byte, error) {
	if v.memo != nil && c.Defined() {
		return v.getMemo(ctx, c, buf)
	}
	blk, err := v.Blockstore.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := verify(c, blk.RawData()); err != nil {
		return nil, err
	}
	return blk.RawData(), nil
}

// Put stores blk unless an intact copy is already stored.
func (v *verifiedBlockstore) Put(ctx context.Context, blk blocks.Block) error {
	need, err := v.needsWrite(ctx, blk.Cid())
	if err != nil || !need {
		return err
	}
	return v.writeThrough.Put(ctx, blk)
}

// PutMany stores the blocks of which no intact copy is stored.
func (v *verifiedBlockstore) PutMany(ctx context.Context, blks []blocks.Block) error {
	todo := make([]blocks.Block, 0, len(blks))
	for _, blk := range blks {
		need, err := v.needsWrite(ctx, blk.Cid())
		if err != nil {
			return err
		}
		if need {
			todo = append(todo, blk)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return v.writeThrough.PutMany(ctx, todo)
}

// AllKeysChanWithErr passes through to the underlying blockstore.
func (v *verifiedBlockstore) AllKeysChanWithErr(ctx context.Context) (<-chan cid.Cid, func() error, error) {
	if e, ok := v.Blockstore.(blockstore.AllKeysChanWithErrer); ok {
		return e.AllKeysChanWithErr(ctx)
	}
	ch, err := v.Blockstore.AllKeysChan(ctx)
	return ch, func() error { return nil }, err
}

// needsWrite reports whether c is missing or stored corrupt.
func (v *verifiedBlockstore) needsWrite(ctx context.Context, c cid.Cid) (bool, error) {
	_, err := v.Get(ctx, c)
	switch {
	case err == nil:
		return v.touched(c)
	case errors.Is(err, registry.ErrCorruptBlock), ipld.IsNotFound(err):
		return true, nil
	default:
		return false, err
	}
}

// verify checks that data hashes to c. A mismatch wraps both
// registry.ErrCorruptBlock and blockstore.ErrHashMismatch.
func verify(c cid.Cid, data []byte) error {
	sum, err := c.Prefix().Sum(data)
	if err != nil {
		return fmt.Errorf("verify block %s: %w", c, err)
	}
	if !bytes.Equal(sum.Hash(), c.Hash()) {
		return fmt.Errorf("verify block %s: %w (%w)", c, registry.ErrCorruptBlock, blockstore.ErrHashMismatch)
	}
	return nil
}
