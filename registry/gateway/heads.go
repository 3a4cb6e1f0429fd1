package gateway

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns"
)

// verifiedHead is a head from the index whose record verified against the
// registry name and agrees with the head's root and sequence.
type verifiedHead struct {
	registry.Head
	Record ipns.Record
}

// live reports whether the record is within its validity at now.
func (v verifiedHead) live(now time.Time) bool { return !now.After(v.Record.Validity) }

// fileStamp identifies one version of the index file.
type fileStamp struct {
	size    int64
	modTime time.Time
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fileStamp{}, nil
	}
	if err != nil {
		return fileStamp{}, fmt.Errorf("stat index: %w", err)
	}
	return fileStamp{size: fi.Size(), modTime: fi.ModTime()}, nil
}

// headEntry is one name's head as last read from the index.
type headEntry struct {
	head   verifiedHead
	err    error // why there is no usable head: registry.ErrNoHead, an invalid record
	stamp  fileStamp
	loaded time.Time
}

// heads reads verified heads from the index without keeping it open; see
// the package documentation.
type heads struct {
	path     string
	maxStale time.Duration
	readWait time.Duration
	now      func() time.Time
	log      *slog.Logger

	mu sync.Mutex // guards m; held across a load, so one load runs at a time
	m  map[ipnsrec.Name]*headEntry
}

// lookup returns the verified head of the registry name. It wraps
// registry.ErrNoHead when the index has none, ipns.ErrInvalidRecord when
// the stored record does not verify, and bolt.ErrLocked when a writer holds
// the index and there is no earlier copy to answer from.
func (h *heads) lookup(ctx context.Context, name ipnsrec.Name) (verifiedHead, error) {
	st, err := stampOf(h.path)
	if err != nil {
		return verifiedHead{}, err
	}
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	old := h.m[name]
	if old != nil && old.stamp == st && now.Sub(old.loaded) < h.maxStale {
		return old.head, old.err
	}
	e, err := h.load(ctx, name, st, now)
	if errors.Is(err, bolt.ErrLocked) && old != nil {
		h.log.Debug("index locked, answering from the last copy", "name", name.String(), "age", now.Sub(old.loaded))
		return old.head, old.err
	}
	if err != nil {
		return verifiedHead{}, err
	}
	if len(h.m) >= maxHeadEntries {
		clear(h.m)
	}
	h.m[name] = e
	return e.head, e.err
}

// forget drops the copy of name, after this process changed it.
func (h *heads) forget(name ipnsrec.Name) {
	h.mu.Lock()
	delete(h.m, name)
	h.mu.Unlock()
}

// load reads name's head in one short read-only open of the index.
func (h *heads) load(ctx context.Context, name ipnsrec.Name, st fileStamp, now time.Time) (*headEntry, error) {
	e := &headEntry{stamp: st, loaded: now}
	c, err := bolt.Open(h.path, &bolt.Options{ReadOnly: true, Timeout: h.readWait})
	if errors.Is(err, fs.ErrNotExist) {
		e.err = fmt.Errorf("%w: %s (no index)", registry.ErrNoHead, name)
		return e, nil
	}
	if err != nil {
		return nil, err
	}
	hd, err := c.Head(ctx, name.String())
	if cerr := c.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	switch {
	case errors.Is(err, registry.ErrNoHead):
		e.err = err
	case err != nil:
		return nil, err
	default:
		e.head, e.err = verifyHead(hd, now)
	}
	return e, nil
}

// verifyHead checks hd's record against hd. An expired record is checked
// at its own end of life, so that it still proves the root; callers that
// need a live record check verifiedHead.live.
func verifyHead(hd registry.Head, now time.Time) (verifiedHead, error) {
	rec, err := ipns.VerifyHead(hd, now)
	if err != nil && !errors.Is(err, ipns.ErrExpiredRecord) {
		return verifiedHead{}, fmt.Errorf("in the index: %w", err)
	}
	return verifiedHead{Head: hd, Record: rec}, nil
}

// names lists the registries with a head in the index, in one short
// read-only open (none when there is no index). A name the index holds
// that is not a registry's is left out.
func (h *heads) names(ctx context.Context) ([]ipnsrec.Name, error) {
	c, err := bolt.Open(h.path, &bolt.Options{ReadOnly: true, Timeout: h.readWait})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	names, err := c.Names(ctx)
	if cerr := c.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	out := make([]ipnsrec.Name, 0, len(names))
	for _, s := range names {
		if n, err := ipns.ParseRegistryName(s); err == nil {
			out = append(out, n)
		}
	}
	return out, err
}
