package unixfs

import (
	"context"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
)

// The default Limits: generous for a service, far below what a DAG of a
// few blocks can stand for.
const (
	// DefaultMaxSize bounds the bytes of file content a release may
	// expand to: 16 GiB.
	DefaultMaxSize = 16 << 30
	// DefaultMaxFiles bounds the entries (files, directories, symlinks)
	// a release may expand to.
	DefaultMaxFiles = 1_000_000
	// DefaultMaxDepth bounds how many directories deep an entry may be;
	// a path of that many levels is already near PATH_MAX.
	DefaultMaxDepth = 256
)

// Limits bounds what a release may expand to when it is written out. A
// UnixFS directory may link one subtree any number of times, so a DAG of
// a few blocks can stand for any number of files and bytes: an export
// checks the expanded tree (CheckRelease) against its Limits before anything is
// written, and counts again while writing. A zero field means its default.
type Limits struct {
	MaxSize  uint64 // bytes of file content; 0: DefaultMaxSize
	MaxFiles uint64 // entries below the root; 0: DefaultMaxFiles
	MaxDepth int    // directory levels above the deepest entry; 0: DefaultMaxDepth
}

// withDefaults returns l with each zero field set to its default.
func (l Limits) withDefaults() Limits {
	if l.MaxSize == 0 {
		l.MaxSize = DefaultMaxSize
	}
	if l.MaxFiles == 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	return l
}

// check returns an error wrapping ErrTooLarge when x is beyond l.
func (l Limits) check(x Expansion) error {
	switch {
	case x.Size > l.MaxSize:
		return fmt.Errorf("%w: it expands to %d bytes of files, over the limit of %d", ErrTooLarge, x.Size, l.MaxSize)
	case x.Files > l.MaxFiles:
		return fmt.Errorf("%w: it expands to %d entries, over the limit of %d", ErrTooLarge, x.Files, l.MaxFiles)
	case x.Depth > l.MaxDepth:
		return fmt.Errorf("%w: it nests %d directories deep, over the limit of %d", ErrTooLarge, x.Depth, l.MaxDepth)
	}
	return nil
}

// CheckSize refuses (ErrTooLarge) a release that records more than
// l.MaxSize bytes of files, before any of it is fetched or read.
func (l Limits) CheckSize(size uint64) error {
	if l = l.withDefaults(); size > l.MaxSize {
		return fmt.Errorf("%w: the release records %d bytes of files, over the limit of %d", ErrTooLarge, size, l.MaxSize)
	}
	return nil
}

// CheckRelease checks that the UnixFS tree at root, a release that
// records size bytes of file content, expands to exactly size bytes
// (else ErrSizeMismatch) and stays within lim (else ErrTooLarge). It
// reads each distinct directory block and file root once, never file
// content (a raw leaf's size is its block's), and writes nothing. A recorded size above lim.MaxSize is
// refused before any block is read.
func CheckRelease(ctx context.Context, bs blockstore.Blockstore, root cid.Cid, size uint64, lim Limits) (Expansion, error) {
	vbs := &verifyingBlockstore{Blockstore: bs}
	x, err := checkRelease(ctx, vbs, root, int64(min(size, 1<<63-1)), lim.withDefaults())
	if err != nil {
		err = fmt.Errorf("check release %s: %w", root, notFound(vbs.explain(err)))
	}
	return x, err
}

// checkRelease is CheckRelease over vbs, with lim's defaults applied;
// want < 0 checks only the limits.
func checkRelease(ctx context.Context, vbs *verifyingBlockstore, root cid.Cid, want int64, lim Limits) (Expansion, error) {
	if want >= 0 {
		if err := lim.CheckSize(uint64(want)); err != nil {
			return Expansion{}, err
		}
	}
	x, err := expand(ctx, vbs, root, lim.MaxDepth)
	if err != nil {
		return x, err
	}
	if err := lim.check(x); err != nil {
		return x, err
	}
	if want >= 0 && x.Size != uint64(want) {
		return x, fmt.Errorf("%w: the release declares %d bytes, its files declare %d", ErrSizeMismatch, want, x.Size)
	}
	return x, nil
}
