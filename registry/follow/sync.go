package follow

import (
	"context"
	"errors"
	"fmt"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/remote"
)

// Sync is the outcome of Follower.Sync.
type Sync struct {
	Head    registry.Head // the head after the sync; zero when there is none
	Cached  bool          // a head was stored before the sync
	Asked   bool          // the upstreams were asked
	Changed bool          // the head moved
	// Problems lists upstreams that failed or served invalid or old data,
	// even when another one gave the answer.
	Problems []registry.SourceError
	// Stale, when not nil, says why the answer is the local copy although
	// the upstreams were asked: none could be reached or had a record, or
	// (for one's own registry) they serve an older state than this home.
	Stale error
}

// Sync brings the head up to date. It asks the upstreams unless there
// are none, or refresh is false and the copy is fresh: its record is live
// and the upstreams gave a valid answer less than the record's TTL ago
// (kept in the index, so every process on the home shares it).
//
// The whole refresh is bounded by Config.Timeout; an upstream that has
// not answered by then is given up on (registry.ErrUnavailable).
//
// One rule for every caller: when a head is stored, upstreams that cannot
// be reached or have no record make the answer the stored copy (Stale
// says so); for one's own registry, upstreams behind this home are
// expected until it is pushed (Stale again). Otherwise the errors are
// registry.Fetcher.Refresh's, and without a stored head: ErrOffline when
// Offline, ErrNoHead without upstreams.
func (f *Follower) Sync(ctx context.Context, refresh bool) (Sync, error) {
	s, err := f.sync(ctx, refresh)
	if s.Head.Root.Defined() {
		f.latest.Store(&s.Head)
	}
	return s, err
}

// sync is Sync without noting the head it ends with.
func (f *Follower) sync(ctx context.Context, refresh bool) (Sync, error) {
	head, err := f.cfg.Index.Head(ctx, f.name)
	if err != nil && !errors.Is(err, registry.ErrNoHead) {
		return Sync{}, err
	}
	s := Sync{Head: head, Cached: err == nil}
	switch {
	case f.cfg.Offline && !s.Cached:
		return s, fmt.Errorf("%s: %w", f.name, registry.ErrOffline)
	case !f.Online() && !s.Cached:
		return s, fmt.Errorf("%w: %s is not cached here and no gateway is configured", registry.ErrNoHead, f.name)
	case !f.Online(), !refresh && f.fresh(ctx, head):
		return s, nil
	}
	s.Asked = true
	timeout := f.cfg.Timeout
	if timeout <= 0 {
		timeout = remote.DefaultTimeout
	}
	// Timeout bounds the whole refresh (every upstream, the manifest), not
	// only each request; the record grace on top lets a request's own
	// deadline report first.
	timeout += registry.DefaultRecordGrace
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r, err := f.fetcher.Refresh(rctx)
	if err != nil && ctx.Err() == nil && rctx.Err() != nil && !isAny(err, registry.ErrUnavailable) {
		err = fmt.Errorf("%w: no answer within %s: %w", registry.ErrUnavailable, timeout, err)
	}
	s.Problems = r.Problems
	switch {
	case err == nil:
		s.Head, s.Changed = r.Head, r.Changed
		if err := f.cfg.Index.MarkChecked(ctx, f.name, f.cfg.Now()); err != nil {
			f.log.Warn("mark checked", "registry", f.name, "err", err)
		}
		f.log.Debug("synced", "registry", f.name, "seq", s.Head.Seq, "changed", s.Changed)
		return s, nil
	case ctx.Err() != nil:
		return s, err
	case s.Cached && isAny(err, registry.ErrUnavailable, registry.ErrRecordNotFound),
		s.Cached && f.cfg.Own && errors.Is(err, registry.ErrRollback):
		s.Stale = err
		return s, nil
	}
	return s, err
}

// fresh reports whether head's record is live and the upstreams gave a
// valid answer less than its TTL ago.
func (f *Follower) fresh(ctx context.Context, head registry.Head) bool {
	now := f.cfg.Now()
	rec, err := ipns.VerifyHead(head, now)
	if err != nil {
		return false
	}
	checked, err := f.cfg.Index.Checked(ctx, f.name)
	return err == nil && !checked.IsZero() && now.Sub(checked) < rec.TTL
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
