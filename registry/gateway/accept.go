package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns"
)

// acceptRecord makes raw, a record for name, the head of that registry
// in the index, under the rules in the package documentation. Refusals
// wrap errUnusableRecord, errMissingBlocks, errNotFollowed or
// registry.ErrRollback.
func (s *Server) acceptRecord(ctx context.Context, name ipnsrec.Name, raw []byte) error {
	if other, err := s.acceptOther(ctx, name, raw); other {
		return err
	}
	rec, err := ipns.Verify(name.String(), raw, s.now())
	if err != nil {
		return fmt.Errorf("accept record: %w: %w", errUnusableRecord, err)
	}
	if done, err := s.precheck(ctx, name, rec, raw); done || err != nil {
		return err
	}
	defer s.heads.forget(name) // after Close: the next lookup re-reads
	c, err := bolt.Open(s.indexPath, &bolt.Options{Timeout: s.writeWait})
	if err != nil {
		return fmt.Errorf("accept record for %s: %w", rec.Name, err)
	}
	defer c.Close()
	// The index stays open (and locked) from reading the head to swapping
	// it, so no other writer can come between.
	cur, err := c.Head(ctx, rec.Name)
	if errors.Is(err, registry.ErrNoHead) {
		return fmt.Errorf("accept record for %s: %w", rec.Name, errNotFollowed)
	} else if err != nil {
		return fmt.Errorf("accept record for %s: %w", rec.Name, err)
	}
	if cur.Seq == rec.Seq && bytes.Equal(cur.Record, raw) {
		return nil // already the head
	}
	if cur.Seq == rec.Seq && cur.Root.Equals(rec.Value) {
		// A re-signed record of the current state: fresher when it ends later.
		if old, err := ipns.VerifyHead(cur, s.now()); err == nil && !ipns.Fresher(rec, old) {
			return nil
		}
		return c.RefreshRecord(ctx, cur.Record, registry.Head{Name: rec.Name, Root: rec.Value, Seq: rec.Seq, Record: raw})
	}
	return c.SwapHead(ctx, cur.Seq, registry.Head{Name: rec.Name, Root: rec.Value, Seq: rec.Seq, Record: raw})
}

// precheck decides what can be decided before the index is opened for
// writing (which locks out every other reader and writer): from the head
// read through s.heads (a shared read, or the copy in memory), a name
// with no head is refused (errNotFollowed) and a record below the head
// (registry.ErrRollback); the record already there is accepted (done);
// and the manifest and its blocks are checked. Heads only move up, so a
// stale copy never refuses what the index would accept.
func (s *Server) precheck(ctx context.Context, name ipnsrec.Name, rec ipns.Record, raw []byte) (done bool, err error) {
	vh, err := s.heads.lookup(ctx, name)
	switch {
	case errors.Is(err, registry.ErrNoHead):
		return false, fmt.Errorf("accept record for %s: %w", rec.Name, errNotFollowed)
	case err == nil && vh.Seq > rec.Seq:
		return false, fmt.Errorf("accept record for %s: %w: seq %d, head %d", rec.Name, registry.ErrRollback, rec.Seq, vh.Seq)
	case err == nil && vh.Seq == rec.Seq && bytes.Equal(vh.Head.Record, raw):
		return true, nil
	}
	// Other lookup errors (a busy index, a damaged head) are left to the
	// write below, which waits for the lock and replaces a bad head.
	if err := s.checkManifest(ctx, rec); err != nil {
		return false, fmt.Errorf("accept record for %s seq %d: %w", rec.Name, rec.Seq, err)
	}
	return false, nil
}

// checkManifest checks that the manifest rec points at is stored, is
// rec's registry at rec's sequence, and that its service index is stored.
func (s *Server) checkManifest(ctx context.Context, rec ipns.Record) error {
	data, err := s.blocks.Get(ctx, rec.Value)
	if errors.Is(err, registry.ErrBlockNotFound) {
		return fmt.Errorf("%w: %s (push the registry's blocks first, then the record)", errMissingBlocks, rec.Value)
	} else if err != nil {
		return err
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return fmt.Errorf("%w: %w", errUnusableRecord, err)
	}
	if m.Registry != rec.Name || m.Seq != rec.Seq {
		return fmt.Errorf("%w: manifest %s is seq %d of %s", errUnusableRecord, rec.Value, m.Seq, m.Registry)
	}
	if ok, err := s.blocks.Has(ctx, m.Services); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%w: service index %s of manifest %s", errMissingBlocks, m.Services, rec.Value)
	}
	return nil
}
