package home

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// Index is the home's index as Home hands it out: a registry.Index that
// Home closes.
type Index interface {
	registry.Index
	Close() error
}

// index is the home's index file, opened once: read-only for reads, and
// reopened for writing (the index lock) by the first write. A file that
// does not exist reads as empty and is created by the first write.
type index struct {
	h  *Home
	mu sync.Mutex
	db *bolt.Index // nil: not open
	rw bool
}

var (
	_ Index                    = (*index)(nil)
	_ registry.HeadIndex       = (*index)(nil)
	_ registry.RootFloorIndex  = (*index)(nil)
	_ registry.ResolutionIndex = (*index)(nil)
)

// Index returns the index for local work. Reads open it read-only (a
// shared lock; nothing is written); the first write reopens it with the
// index lock, which is then held until Close. In a read-only home writes
// fail with an error wrapping bolt.ErrReadOnly.
func (h *Home) Index() Index {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ix == nil {
		h.ix = &index{h: h}
	}
	return h.ix
}

// Lock takes the index lock: it opens the index for writing (creating
// the file when missing) and holds it until Close. It fails with an error
// wrapping bolt.ErrLocked when another process holds the index for longer
// than Options.LockTimeout.
func (h *Home) Lock() (*bolt.Index, error) {
	if err := h.RequireWritable(); err != nil {
		return nil, err
	}
	x := h.Index().(*index)
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.writer()
}

// options returns the options the index is opened with.
func (h *Home) options(readOnly bool) *bolt.Options {
	return &bolt.Options{ReadOnly: readOnly, Timeout: h.opts.LockTimeout}
}

// reader returns the open file, opening it read-only if needed; nil when
// the file does not exist.
func (x *index) reader() (*bolt.Index, error) {
	if x.db != nil {
		return x.db, nil
	}
	path := x.h.IndexPath()
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, bolt.CheckLost(path)
	}
	if fi.Size() == 0 && !x.h.readOnly {
		// No writer has initialised it (a crash in its first write): a
		// read-only open cannot, bolt.Open does (or refuses it).
		return x.writer()
	}
	db, err := bolt.Open(path, x.h.options(true))
	if err != nil {
		return nil, err
	}
	x.db = db
	return db, nil
}

// writer returns the file opened for writing, reopening a read-only one.
func (x *index) writer() (*bolt.Index, error) {
	if x.rw {
		return x.db, nil
	}
	if x.h.readOnly {
		return nil, fmt.Errorf("index %s: %w", x.h.IndexPath(), bolt.ErrReadOnly)
	}
	if x.db != nil {
		x.db.Close()
		x.db = nil
	}
	if err := x.h.MkdirAll(); err != nil {
		return nil, err
	}
	db, err := bolt.Open(x.h.IndexPath(), x.h.options(false))
	if err != nil {
		return nil, err
	}
	x.db, x.rw = db, true
	return db, nil
}

// read runs fn on the file; missing reports a file that does not exist.
func (x *index) read(fn func(*bolt.Index) error) (missing bool, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	db, err := x.reader()
	if err != nil || db == nil {
		return db == nil, err
	}
	return false, fn(db)
}

// write runs fn on the file opened for writing.
func (x *index) write(fn func(*bolt.Index) error) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	db, err := x.writer()
	if err != nil {
		return err
	}
	return fn(db)
}

// close closes the file if it is open.
func (x *index) close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.db == nil {
		return nil
	}
	err := x.db.Close()
	x.db, x.rw = nil, false
	return err
}

// Close does nothing: Home.Close closes the index.
func (x *index) Close() error { return nil }

// Head implements registry.Index.
func (x *index) Head(ctx context.Context, name string) (h registry.Head, err error) {
	missing, err := x.read(func(db *bolt.Index) error { h, err = db.Head(ctx, name); return err })
	if missing && err == nil {
		err = fmt.Errorf("read head %s: %w", name, registry.ErrNoHead)
	}
	return h, err
}

// SwapHead implements registry.Index.
func (x *index) SwapHead(ctx context.Context, prevSeq uint64, h registry.Head) error {
	return x.write(func(db *bolt.Index) error { return db.SwapHead(ctx, prevSeq, h) })
}

// SwapHeadRoot implements registry.RootFloorIndex.
func (x *index) SwapHeadRoot(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor) error {
	return x.write(func(db *bolt.Index) error { return db.SwapHeadRoot(ctx, prevSeq, h, rf) })
}

// RootFloor implements registry.RootFloorIndex.
func (x *index) RootFloor(ctx context.Context, name string) (rf registry.RootFloor, err error) {
	_, err = x.read(func(db *bolt.Index) error { rf, err = db.RootFloor(ctx, name); return err })
	return rf, err
}

// Floor implements registry.Index.
func (x *index) Floor(ctx context.Context, name string) (seq uint64, err error) {
	_, err = x.read(func(db *bolt.Index) error { seq, err = db.Floor(ctx, name); return err })
	return seq, err
}

// Resolution implements registry.Index. A damaged answer is dropped
// (bolt.Index.Resolution) unless the home is read-only.
func (x *index) Resolution(ctx context.Context, name string, root cid.Cid, query string) (r registry.Resolution, ok bool, err error) {
	_, err = x.read(func(db *bolt.Index) error { r, ok, err = db.Resolution(ctx, name, root, query); return err })
	if errors.Is(err, registry.ErrDamagedResolution) && !x.h.readOnly {
		err = x.write(func(db *bolt.Index) error { r, ok, err = db.Resolution(ctx, name, root, query); return err })
	}
	return r, ok, err
}

// PutResolution implements registry.Index.
func (x *index) PutResolution(ctx context.Context, name string, root cid.Cid, query string, r registry.Resolution) error {
	return x.write(func(db *bolt.Index) error { return db.PutResolution(ctx, name, root, query, r) })
}

// Queries implements registry.ResolutionIndex.
func (x *index) Queries(ctx context.Context, name string, root cid.Cid) (qs []string, err error) {
	_, err = x.read(func(db *bolt.Index) error { qs, err = db.Queries(ctx, name, root); return err })
	return qs, err
}

// SwapHeadResolutions implements registry.ResolutionIndex.
func (x *index) SwapHeadResolutions(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor, rs map[string]registry.Resolution) error {
	return x.write(func(db *bolt.Index) error { return db.SwapHeadResolutions(ctx, prevSeq, h, rf, rs) })
}

// RefreshRecord implements registry.RecordRefresher.
func (x *index) RefreshRecord(ctx context.Context, old []byte, h registry.Head) error {
	return x.write(func(db *bolt.Index) error { return db.RefreshRecord(ctx, old, h) })
}

// Names returns the registries whose heads the index holds (none when
// there is no index).
func (h *Home) Names(ctx context.Context) (names []string, err error) {
	_, err = h.Index().(*index).read(func(db *bolt.Index) error { names, err = db.Names(ctx); return err })
	return names, err
}

// Snapshot reads what the index holds for the registry name into memory,
// opening the file once, read-only, and closing it again (see
// bolt.Snapshot): for work that waits on the network. An index this Home
// holds open is closed first, so that no lock is held meanwhile.
func (h *Home) Snapshot(ctx context.Context, name string) (*bolt.Snapshot, error) {
	if err := h.Index().(*index).close(); err != nil {
		return nil, err
	}
	return bolt.LoadSnapshot(ctx, h.IndexPath(), name, h.options(true))
}

// Commit writes what changed in s to the index, opening it once; it does
// nothing when nothing changed, or in a read-only home.
func (h *Home) Commit(ctx context.Context, s *bolt.Snapshot) error {
	if h.readOnly || !s.Changed() {
		return nil
	}
	if err := h.Index().(*index).close(); err != nil {
		return err
	}
	return s.Commit(ctx, h.IndexPath(), h.options(false))
}

// Heads implements registry.HeadIndex: every head the index holds (none
// when there is no index).
func (x *index) Heads(ctx context.Context) (hs []registry.Head, err error) {
	_, err = x.read(func(db *bolt.Index) error { hs, err = db.Heads(ctx); return err })
	return hs, err
}

// Checked implements registry.HeadIndex: when the upstreams of name last
// answered (zero: never, or no index).
func (x *index) Checked(ctx context.Context, name string) (at time.Time, err error) {
	_, err = x.read(func(db *bolt.Index) error { at, err = db.Checked(ctx, name); return err })
	return at, err
}
