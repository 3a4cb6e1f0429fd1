package follow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// Resigned is the outcome of Follower.Resign.
type Resigned struct {
	Head     registry.Head // the head, with its record after Resign
	Resigned bool          // a fresh record was signed and stored
	EOL      time.Time     // the end of life of the head's record
	Due      time.Time     // when it is due for re-signing: half its lifetime left
	Lifetime time.Duration // the lifetime the state was published with
	TTL      time.Duration // the TTL it was published with
}

// Resign keeps the head's record alive: when half of its lifetime is gone
// (or force is set), it signs a record for the same sequence and root
// with key, valid for the lifetime and with the TTL the state was
// published with, and replaces the head's record in the index. Nothing
// else about the head changes: the history, `svcreg log` and the rollback
// floor stay as they are, and clients take the new record as fresher
// because it ends later (ipns.Fresher).
//
// The lifetime a state was published with is taken from its first record
// (its end of life minus the manifest's time) and kept in the index for
// the later re-signings. Errors: ErrNotKeyHolder, registry.ErrNoHead, the
// record's verification errors (an expired record is re-signed),
// ErrWillNotSign when the head's manifest lacks the publish threshold of
// its Root (a node cannot forge: see checkPublished), and
// registry.ErrHeadMoved when a change came in between (call again).
func (f *Follower) Resign(ctx context.Context, key *ipns.Key, force bool) (Resigned, error) {
	if key == nil || key.Name() != f.name {
		return Resigned{}, fmt.Errorf("re-sign %s: %w", f.name, ErrNotKeyHolder)
	}
	head, err := f.cfg.Index.Head(ctx, f.name)
	if err != nil {
		return Resigned{}, fmt.Errorf("re-sign %s: %w", f.name, err)
	}
	now := f.cfg.Now()
	rec, err := ipns.VerifyHead(head, now)
	if err != nil && !errors.Is(err, ipns.ErrExpiredRecord) {
		return Resigned{}, fmt.Errorf("re-sign %s: %w", f.name, err)
	}
	if err := f.checkPublished(ctx, head); err != nil {
		return Resigned{}, err
	}
	lifetime, ttl, err := f.signing(ctx, head, rec)
	if err != nil {
		return Resigned{}, err
	}
	r := Resigned{Head: head, EOL: rec.Validity, Due: rec.Validity.Add(-lifetime / 2), Lifetime: lifetime, TTL: ttl}
	if !force && now.Before(r.Due) {
		return r, nil
	}
	s := &ipns.Signer{Key: key, Lifetime: lifetime, TTL: ttl, Now: f.cfg.Now}
	raw, err := s.Sign(head.Root, head.Seq)
	if err != nil {
		return r, err
	}
	h := head
	h.Record = raw
	if err := f.cfg.Index.RefreshRecord(ctx, head.Record, h); err != nil {
		return r, fmt.Errorf("re-sign %s seq %d: %w", f.name, head.Seq, err)
	}
	fresh, err := ipns.VerifyHead(h, now)
	if err != nil {
		return r, err
	}
	r.Head, r.Resigned, r.EOL, r.Due = h, true, fresh.Validity, fresh.Validity.Add(-lifetime/2)
	f.log.Info("re-signed", "registry", f.name, "seq", h.Seq, "eol", r.EOL)
	return r, nil
}

// signing returns the lifetime and TTL head's state was published with.
func (f *Follower) signing(ctx context.Context, head registry.Head, rec ipns.Record) (time.Duration, time.Duration, error) {
	lifetime, ttl, ok, err := f.cfg.Index.Signing(ctx, f.name, head.Seq)
	if err != nil || ok {
		return lifetime, ttl, err
	}
	// The state's first record: signed when the manifest was made.
	_, m, err := f.reg.Manifest(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("re-sign %s: %w", f.name, err)
	}
	lifetime, ttl = rec.Validity.Sub(m.Time).Truncate(time.Second), rec.TTL
	if lifetime < time.Second {
		lifetime = ipns.DefaultLifetime
	}
	return lifetime, ttl, f.cfg.Index.SetSigning(ctx, f.name, head.Seq, lifetime, ttl)
}
