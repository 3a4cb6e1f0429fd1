package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// ErrEquivocation is reported (in Refresh.Problems, and by Adopt with
// ErrRollback) when a source offers a second manifest at the head's
// sequence that carries the publish threshold of the registry's Root as
// the head's does: the publish keys signed two states at one sequence,
// which only a compromised or careless key holder does. The head stays
// the first one seen; the pair is kept as evidence (EquivocationIndex).
var ErrEquivocation = errors.New("two publish-signed manifests at one sequence")

// Equivocation is evidence of ErrEquivocation: the manifests Kept (the
// head, seen first) and Other, both of seq Seq of registry Name, both
// publish-signed.
type Equivocation struct {
	Name  string
	Seq   uint64
	Kept  cid.Cid
	Other cid.Cid
}

// EquivocationIndex is implemented by an Index that keeps equivocation
// evidence. A Fetcher adds to it; `svcreg fsck` lists it.
type EquivocationIndex interface {
	// AddEquivocation keeps e (once: the same pair again is no change).
	AddEquivocation(ctx context.Context, e Equivocation) error
	// Equivocations returns the evidence kept for every registry, by
	// name and sequence.
	Equivocations(ctx context.Context) ([]Equivocation, error)
}

// equivocation checks other, a verified record of cur's sequence that
// points at another manifest than cur's, offered by source prefer (-1:
// none): when that manifest names the registry and sequence and passes
// the trust rules the head passed (checkTrust, with the floors as they
// are), the pair is kept (EquivocationIndex) and the error wraps
// ErrEquivocation. Otherwise the error says why the record was refused.
// The head never moves.
func (f *Fetcher) equivocation(ctx context.Context, cur Head, rec Record, prefer int) error {
	refused := fmt.Errorf("%w: seq %d points at %s, but this home has %s for seq %d",
		manifest.ErrInvalidManifest, rec.Seq, rec.Root, cur.Root, cur.Seq)
	if floor, err := IndexRootFloor(ctx, f.cfg.Index, f.cfg.Name); err != nil || !floor.Root.Defined() {
		return refused // a plain registry: its IPNS key alone signed both
	}
	data, err := f.get(ctx, rec.Root, prefer)
	if err != nil {
		return fmt.Errorf("%w: %w", refused, err)
	}
	m, err := decodeManifestFor(f.cfg.Name, rec, data)
	if err != nil {
		return err
	}
	if _, err := f.checkTrust(ctx, m, rec.Validity, prefer); err != nil {
		return fmt.Errorf("%w: %w", refused, err)
	}
	e := Equivocation{Name: f.cfg.Name, Seq: rec.Seq, Kept: cur.Root, Other: rec.Root}
	if ei, ok := f.cfg.Index.(EquivocationIndex); ok {
		if err := ei.AddEquivocation(ctx, e); err != nil {
			f.log.Warn("keep equivocation evidence", "registry", f.cfg.Name, "seq", rec.Seq, "err", err)
		}
	}
	f.log.Warn("equivocation", "registry", f.cfg.Name, "seq", rec.Seq, "kept", cur.Root, "other", rec.Root)
	return fmt.Errorf("%w: seq %d of %s is both %s (kept) and %s", ErrEquivocation, rec.Seq, f.cfg.Name, cur.Root, rec.Root)
}

// decodeManifestFor decodes data, the manifest block rec points at, and
// checks that it names registry name and rec's sequence.
func decodeManifestFor(name string, rec Record, data []byte) (*manifest.Manifest, error) {
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("fetch manifest %s (seq %d): %w", rec.Root, rec.Seq, err)
	}
	if m.Registry != name || m.Seq != rec.Seq {
		return nil, fmt.Errorf("%w: the record of %s for seq %d points at %s, which is seq %d of %s",
			manifest.ErrInvalidManifest, name, rec.Seq, rec.Root, m.Seq, m.Registry)
	}
	return m, nil
}
