package registry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Blocks returns a Blocks that reads the local store first and, on a
// miss, fetches the block from the sources, checks that it hashes to its
// CID, stores it and returns it. Without sources a miss wraps Unasked's
// error.
// Put and Has use the local store only.
func (f *Fetcher) Blocks() Blocks { return fetchingBlocks{f} }

type fetchingBlocks struct{ f *Fetcher }

func (b fetchingBlocks) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	return b.f.get(ctx, c, -1)
}

func (b fetchingBlocks) Put(ctx context.Context, c cid.Cid, data []byte) error {
	return b.f.cfg.Blocks.Put(ctx, c, data)
}

func (b fetchingBlocks) Has(ctx context.Context, c cid.Cid) (bool, error) {
	return b.f.cfg.Blocks.Has(ctx, c)
}

// get returns block c from the local store or, failing that, from the
// sources (prefer first, when it is >= 0), verified and stored.
func (f *Fetcher) get(ctx context.Context, c cid.Cid, prefer int) ([]byte, error) {
	data, err := f.cfg.Blocks.Get(ctx, c)
	switch {
	case err == nil:
		return data, nil
	case errors.Is(err, ErrCorruptBlock) && f.Online():
		// fetch a good copy; Put replaces the corrupt one
	case !errors.Is(err, ErrBlockNotFound):
		return nil, err
	case !f.Online():
		return nil, fmt.Errorf("block %s: %w", c, f.Unasked())
	}
	data, problems, err := f.race(ctx, c, f.order(prefer))
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, fetchError(fmt.Sprintf("fetch block %s", c), problems, nil)
	}
	if err := f.cfg.Blocks.Put(ctx, c, data); err != nil {
		return nil, err
	}
	return data, nil
}

// race asks the sources in order for block c: the first alone, the next
// as soon as every source asked so far has failed or Hedge passed without
// a verified answer. The first block that hashes to c wins and the other
// requests are cancelled. It returns nil data with the problems when no
// source gave the block, and an error only when ctx ends.
func (f *Fetcher) race(ctx context.Context, c cid.Cid, order []int) ([]byte, []SourceError, error) {
	type result struct {
		src  int
		data []byte
		err  error
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan result, len(order))
	next, running := 0, 0
	ask := func() {
		i := order[next]
		next++
		running++
		go func() {
			data, err := f.cfg.Sources[i].Block(rctx, c)
			if err == nil {
				err = manifest.CheckBlock(c, data)
			}
			if err == nil {
				err = CheckFetched(c, data) // decode and check before storing
			}
			ch <- result{i, data, err}
		}()
	}
	ask()
	hedge := time.NewTimer(f.cfg.Hedge)
	defer hedge.Stop()
	var problems []SourceError
	for running > 0 {
		select {
		case r := <-ch:
			running--
			if r.err == nil {
				if r.src != order[0] {
					f.markSlow(order[0]) // lost to a later source: ask it last from now on
				}
				return r.data, problems, nil
			}
			if ctx.Err() != nil {
				return nil, problems, ctx.Err()
			}
			f.noteDown(r.src, r.err)
			problems = append(problems, SourceError{f.cfg.Sources[r.src].String(), r.err})
			if next < len(order) {
				ask() // in place of the one that failed
				hedge.Reset(f.cfg.Hedge)
			}
		case <-hedge.C:
			if next < len(order) {
				ask()
				hedge.Reset(f.cfg.Hedge)
			}
		case <-ctx.Done():
			return nil, problems, ctx.Err()
		}
	}
	return nil, problems, nil
}

// order returns the indexes of the sources to ask: prefer first, then
// the others in configured order, those that were unreachable last.
func (f *Fetcher) order(prefer int) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var up, down []int
	if prefer >= 0 {
		up = append(up, prefer)
	}
	for i := range f.cfg.Sources {
		switch {
		case i == prefer:
		case f.down[i]:
			down = append(down, i)
		default:
			up = append(up, i)
		}
	}
	return append(up, down...)
}

// markSlow remembers source i as one to ask last.
func (f *Fetcher) markSlow(i int) {
	f.mu.Lock()
	f.down[i] = true
	f.mu.Unlock()
}

// noteDown remembers source i as unreachable when err says so.
func (f *Fetcher) noteDown(i int, err error) {
	if errors.Is(err, ErrUnreachable) {
		f.mu.Lock()
		f.down[i] = true
		f.mu.Unlock()
	}
}

// fetchError sums up why no source gave an answer. It wraps, in order of
// precedence: an integrity error some source caused (a record that fails
// verification, bytes that do not match their CID); notFound when every
// source said it has nothing (and notFound is not nil); else
// ErrUnavailable.
func fetchError(what string, problems []SourceError, notFound error) error {
	details := make([]string, len(problems))
	var integrity error
	missing := len(problems) > 0
	for i, p := range problems {
		details[i] = p.Error()
		if integrity == nil && !errors.Is(p.Err, ErrUnreachable) && !errors.Is(p.Err, ErrRecordNotFound) && !errors.Is(p.Err, ErrBlockNotFound) {
			integrity = p.Err
		}
		if !errors.Is(p.Err, ErrRecordNotFound) && !errors.Is(p.Err, ErrBlockNotFound) {
			missing = false
		}
	}
	summary := strings.Join(details, "; ")
	switch {
	case integrity != nil:
		return fmt.Errorf("%s: %w", what, joinText(integrity, summary))
	case missing && notFound != nil:
		return fmt.Errorf("%s: %w: %s", what, notFound, summary)
	default:
		return fmt.Errorf("%s: %w: %s", what, ErrUnavailable, summary)
	}
}

// joinText returns err with the message summary (which already names
// err's text).
func joinText(err error, summary string) error { return &textError{summary, err} }

type textError struct {
	msg string
	err error
}

func (e *textError) Error() string { return e.msg }
func (e *textError) Unwrap() error { return e.err }

// Unasked returns why data not stored here is not fetched: ErrOffline
// when the network may not be used (FetcherConfig.Offline), else
// ErrNoGateway.
func (f *Fetcher) Unasked() error {
	if f.cfg.Offline {
		return ErrOffline
	}
	return ErrNoGateway
}
