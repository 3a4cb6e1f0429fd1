package car

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Outcome is what Adopt did with one registry state a CAR carries.
type Outcome int

// The outcomes of Adopt. Only Adopted moves a head; in every case the
// blocks stay stored.
const (
	// NoRecord: the file carries no record that names the state.
	NoRecord Outcome = iota
	// Adopted: the state is the registry's head now.
	Adopted
	// Current: the state was the head already.
	Current
	// Older: the head was kept, as this home has seen a higher sequence
	// (Adoption.Floor).
	Older
	// Expired: the record that names the state is past its end of life.
	Expired
)

// Adoption is what Adopt did with one registry state among a CAR's roots.
type Adoption struct {
	Registry string  // the registry's IPNS name (k51…)
	Root     cid.Cid // the state's manifest block
	Seq      uint64  // the state's sequence
	Outcome  Outcome
	Head     registry.Head // Adopted and Current: the head
	Floor    uint64        // Older: the highest sequence seen here
}

// Note says in words what Adopt did with the state.
func (a Adoption) Note() string {
	switch a.Outcome {
	case Adopted:
		return fmt.Sprintf("head is now seq %d (%s)", a.Head.Seq, a.Head.Root)
	case Current:
		return fmt.Sprintf("seq %d is already the head", a.Head.Seq)
	case Older:
		return fmt.Sprintf("kept the head: this home has seen seq %d, the file holds seq %d", a.Floor, a.Seq)
	case Expired:
		return fmt.Sprintf("the record of seq %d has expired: blocks stored, head unchanged", a.Seq)
	default:
		return fmt.Sprintf("the file has no record for seq %d: blocks stored, head unchanged", a.Seq)
	}
}

// MarshalJSON writes a as {registry, root, seq, adopted, note}, as
// svcreg import --json lists it.
func (a Adoption) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Registry string `json:"registry"`
		Root     string `json:"root"`
		Seq      uint64 `json:"seq"`
		Adopted  bool   `json:"adopted"`
		Note     string `json:"note"`
	}{a.Registry, a.Root.String(), a.Seq, a.Outcome == Adopted, a.Note()})
}

// AdoptConfig is what Adopt works with. Blocks, Index and Verifier are
// required.
type AdoptConfig struct {
	Blocks   registry.Blocks         // where Read stored the file's blocks
	Index    registry.Index          // heads and floors
	Verifier registry.RecordVerifier // checks the records
	// Content, when set, is the block store releases are expanded from,
	// as get expands them: a state with a release that would not be
	// written (unixfs.CheckRelease with the default limits) is not adopted
	// (an *UnwritableError). nil: expansions are not checked.
	Content blockstore.Blockstore
}

// UnwritableError is returned by Adopt when a release of a state that a
// record names would not be written by get: its content expands beyond
// the default limits (unixfs.ErrTooLarge) or does not add up to the size
// the release records (unixfs.ErrSizeMismatch). The head was not moved.
type UnwritableError struct {
	Registry string
	Seq      uint64
	Service  string
	Version  string
	Err      error
}

func (e *UnwritableError) Error() string {
	return fmt.Sprintf("seq %d: %s@%s: %v", e.Seq, e.Service, e.Version, e.Err)
}

func (e *UnwritableError) Unwrap() error { return e.Err }

// Adopt finds the registry states among roots, the roots of a CAR that
// Read stored in cfg.Blocks: manifest blocks, and raw blocks that may be
// signed IPNS records (as Writer.Record writes them). Each state that a
// record names is made its registry's head (registry.Fetcher.Adopt) when
// the record verifies and its sequence is above the highest this home has
// seen. It returns one Adoption per state, in the order of roots. A
// record that names a state but does not verify fails Adopt, as does a
// state with a release get would not write (*UnwritableError). Roots that
// are not stored are skipped.
func Adopt(ctx context.Context, cfg AdoptConfig, roots []cid.Cid) ([]Adoption, error) {
	if cfg.Blocks == nil || cfg.Index == nil || cfg.Verifier == nil {
		return nil, errors.New("adopt: blocks, index and verifier are required")
	}
	var records [][]byte
	type state struct {
		root cid.Cid
		m    *manifest.Manifest
	}
	var states []state
	for _, r := range roots {
		data, err := cfg.Blocks.Get(ctx, r)
		if err != nil {
			continue // a root need not be in the file
		}
		if MaybeRecord(r) && len(data) <= MaxRecordSize {
			records = append(records, data)
		} else if r.Prefix().Codec == cid.DagCBOR {
			if m, err := manifest.DecodeManifest(data); err == nil {
				states = append(states, state{r, m})
			}
		}
	}
	out := []Adoption{}
	for _, s := range states {
		a, err := adoptState(ctx, cfg, s.root, s.m, records)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// adoptState adopts the manifest m at root with the first of records that
// names it.
func adoptState(ctx context.Context, cfg AdoptConfig, root cid.Cid, m *manifest.Manifest, records [][]byte) (Adoption, error) {
	a := Adoption{Registry: m.Registry, Root: root, Seq: m.Seq, Outcome: NoRecord}
	f, err := registry.NewFetcher(registry.FetcherConfig{Name: m.Registry, Blocks: cfg.Blocks, Index: cfg.Index, Verifier: cfg.Verifier})
	if err != nil {
		return a, err
	}
	for _, raw := range records {
		if !claims(raw, root) {
			continue
		}
		if cfg.Content != nil {
			if err := checkExpansions(ctx, cfg.Blocks, cfg.Content, registry.Head{Name: m.Registry, Root: root, Seq: m.Seq}); err != nil {
				return a, err
			}
		}
		head, changed, err := f.Adopt(ctx, raw)
		switch {
		case err == nil && changed:
			a.Outcome, a.Head = Adopted, head
		case err == nil:
			a.Outcome, a.Head = Current, head
		case errors.Is(err, registry.ErrRollback):
			a.Outcome = Older
			a.Floor, _ = cfg.Index.Floor(ctx, m.Registry) // read by f.Adopt just now
		case errors.Is(err, ipns.ErrExpiredRecord):
			a.Outcome = Expired
		default:
			return a, err // a record that names this state but does not verify
		}
		return a, nil
	}
	return a, nil
}

// claims reports whether raw parses as an IPNS record whose value is
// /ipfs/<root>, before any verification.
func claims(raw []byte, root cid.Cid) bool {
	rec, err := ipnsrec.UnmarshalRecord(raw)
	if err != nil {
		return false
	}
	p, err := rec.Value()
	if err != nil {
		return false
	}
	ip, err := path.NewImmutablePath(p)
	return err == nil && ip.RootCid().Equals(root)
}

// checkExpansions expands, as get will, every release of the state head
// whose content is stored in bs, and refuses the state when one does not
// add up to the size it records (unixfs.ErrSizeMismatch) or expands
// beyond the default limits (unixfs.ErrTooLarge). Content that is not
// wholly stored, or not readable as UnixFS, is left for get to judge.
func checkExpansions(ctx context.Context, blocks registry.Blocks, bs blockstore.Blockstore, head registry.Head) error {
	r := registry.Reach{Blocks: blocks, KeepHistory: 1, Release: func(service, version string, rel manifest.Release) error {
		_, err := unixfs.CheckRelease(ctx, bs, rel.Content, rel.Size, unixfs.Limits{})
		if errors.Is(err, unixfs.ErrTooLarge) || errors.Is(err, unixfs.ErrSizeMismatch) {
			return &UnwritableError{Registry: head.Name, Seq: head.Seq, Service: service, Version: version, Err: err}
		}
		return nil
	}}
	return r.Walk(ctx, head, func(cid.Cid, registry.BlockKind, error) error { return nil })
}
