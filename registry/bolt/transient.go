package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// Transient is a registry.Index that opens the index file around each
// call and closes it again. bbolt holds its file lock for as long as the
// file is open, so a process that waits on the network between index
// operations (a client refreshing a followed registry from gateways)
// should use Transient: other svcreg processes then wait only for single
// index operations, never for a gateway. Each call is atomic on its own,
// as every registry.Index call is.
//
// The file is created by the first call that writes. Until then calls
// that read answer as an empty index does (no head, floor 0, no cached
// resolution), so a process that only reads, or fails before it writes,
// leaves no file behind.
type Transient struct {
	path string
	opts *Options
}

var _ registry.Index = (*Transient)(nil)

// NewTransient returns a Transient cache over the index file at path. The
// file (and a missing parent directory, mode 0700) is created by the
// first write.
func NewTransient(path string, opts *Options) *Transient {
	return &Transient{path: path, opts: opts}
}

// with runs fn on the file, opened (or created) for the call.
func (t *Transient) with(fn func(*Index) error) error {
	if err := os.MkdirAll(filepath.Dir(t.path), 0o700); err != nil {
		return fmt.Errorf("open index %s: %w", t.path, err)
	}
	c, err := Open(t.path, t.opts)
	if err != nil {
		return err
	}
	err = fn(c)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// read is with for a call that only reads. A file that does not exist
// reads as empty and is not created: read reports it missing and fn does
// not run (unless the file was lost: CheckLost).
func (t *Transient) read(fn func(*Index) error) (missing bool, err error) {
	if _, err := os.Lstat(t.path); errors.Is(err, fs.ErrNotExist) {
		return true, CheckLost(t.path)
	}
	return false, t.with(fn)
}

// Head implements registry.Index.
func (t *Transient) Head(ctx context.Context, name string) (h registry.Head, err error) {
	missing, err := t.read(func(c *Index) error { h, err = c.Head(ctx, name); return err })
	if missing && err == nil {
		err = fmt.Errorf("read head %s: %w", name, registry.ErrNoHead)
	}
	return h, err
}

// SwapHead implements registry.Index.
func (t *Transient) SwapHead(ctx context.Context, prevSeq uint64, h registry.Head) error {
	return t.with(func(c *Index) error { return c.SwapHead(ctx, prevSeq, h) })
}

// Floor implements registry.Index.
func (t *Transient) Floor(ctx context.Context, name string) (seq uint64, err error) {
	_, err = t.read(func(c *Index) error { seq, err = c.Floor(ctx, name); return err })
	return seq, err
}

// Resolution implements registry.Index.
func (t *Transient) Resolution(ctx context.Context, name string, root cid.Cid, query string) (r registry.Resolution, ok bool, err error) {
	_, err = t.read(func(c *Index) error { r, ok, err = c.Resolution(ctx, name, root, query); return err })
	return r, ok, err
}

// PutResolution implements registry.Index.
func (t *Transient) PutResolution(ctx context.Context, name string, root cid.Cid, query string, r registry.Resolution) error {
	return t.with(func(c *Index) error { return c.PutResolution(ctx, name, root, query, r) })
}

// Close does nothing: the file is closed after every call.
func (t *Transient) Close() error { return nil }
