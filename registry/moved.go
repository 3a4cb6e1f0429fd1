package registry

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// FinalSeq is the sequence of a registry's final record: the highest, so
// that it outranks every other record of the name (boxo's record
// ordering). Its owner signs one, pointing at a Moved block, when the
// registry moves to a new name (Registry.SubmitMove); a thief of the IPNS
// key can sign one too, pointing elsewhere, and so burn the name.
const FinalSeq = math.MaxUint64

// ErrMoved is returned when a registry's record points at a Moved block
// that verifies: the registry now lives under another name. The error is
// a *MovedError that says which.
var ErrMoved = errors.New("registry moved")

// ErrBurnt is returned, with the reason the state is refused, when a
// registry's record is at FinalSeq but points at no verified Moved block:
// the IPNS key was stolen and the name burnt. No later record of the name
// can outrank it; the head stays where it was.
var ErrBurnt = errors.New("registry name burnt: a record at the highest sequence that is no verified move")

// MovedError says that registry From moved to To: From's record points
// at the Moved block Moved, signed by the root threshold of Root, version
// RootVersion of the trust root, which names To.
type MovedError struct {
	From, To    string
	Moved       cid.Cid // the Moved block
	Root        cid.Cid // the signed Root of To it links
	RootVersion uint64
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("registry %s moved to %s (root v%d %s)", e.From, e.To, e.RootVersion, e.Root)
}

// Is makes a *MovedError match ErrMoved.
func (e *MovedError) Is(target error) bool { return target == ErrMoved }

// Trust is the trust root a lock of To starts from: the move's Root.
func (e *MovedError) Trust() *manifest.LockTrust {
	return &manifest.LockTrust{Root: e.Root, Version: e.RootVersion}
}

// burnt adds ErrBurnt to err, why the state rec points at was refused,
// when rec is a final record (not when what it points at is only not
// here: that is unavailable, and may yet be a move).
func burnt(name string, rec Record, err error) error {
	if err == nil || rec.Seq != FinalSeq || errors.Is(err, ErrMoved) || unavailable(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %s points at %s: %w", ErrBurnt, name, rec.Root, err)
}

// move is a decoded Moved block and the two Roots it joins.
type move struct {
	c         cid.Cid
	mv        *trust.Moved
	old, next *trust.SignedRoot
}

// loadMove reads the Moved block c and the Roots it joins: the signed
// Root it links (next) and that Root's prev (old). Blocks that are not
// what they should be wrap ErrUntrusted.
func loadMove(ctx context.Context, get getFunc, c cid.Cid, data []byte) (*move, error) {
	mv, err := trust.DecodeMoved(data)
	if err != nil {
		return nil, fmt.Errorf("moved %s: %w: %w", c, ErrUntrusted, err)
	}
	next, err := loadRoot(ctx, get, mv.Root)
	if err != nil {
		return nil, err
	}
	if !next.Root.Prev.Defined() {
		return nil, fmt.Errorf("moved %s: %w: %w: its root v%d has no prev", c, ErrUntrusted, trust.ErrRootVersion, next.Root.Version)
	}
	old, err := loadRoot(ctx, get, next.Root.Prev)
	if err != nil {
		return nil, err
	}
	return &move{c: c, mv: mv, old: old, next: next}, nil
}

func (m *move) err() *MovedError {
	return &MovedError{From: m.mv.From, To: m.mv.To, Moved: m.c, Root: m.mv.Root, RootVersion: m.next.Root.Version}
}

// isMoved reports whether data, the block c, is a Moved block.
func isMoved(c cid.Cid, data []byte) bool {
	if c.Prefix().Codec != cid.DagCBOR {
		return false
	}
	_, err := trust.DecodeMoved(data)
	return err == nil
}

// checkMove verifies the Moved block that rec points at (data) against
// the Root this home verified for the registry before: the Root before
// the move descends from the root floor (else ErrRootDiverged), or with
// no floor carries its own root threshold (trust on first use), and the
// move step verifies (trust.VerifyMoveStep, else ErrUntrusted). The head
// does not move. A verified move is returned as a *MovedError.
func (f *Fetcher) checkMove(ctx context.Context, rec Record, data []byte, prefer int) error {
	get := func(ctx context.Context, c cid.Cid) ([]byte, error) { return f.get(ctx, c, prefer) }
	m, err := loadMove(ctx, get, rec.Root, data)
	if err != nil {
		return err
	}
	untrusted := func(err error) error {
		return fmt.Errorf("moved %s of %s: %w: %w", rec.Root, f.cfg.Name, ErrUntrusted, err)
	}
	if m.old.Root.Registry != f.cfg.Name {
		return untrusted(fmt.Errorf("%w: the root before the move names %s", trust.ErrWrongRegistry, m.old.Root.Registry))
	}
	var floor RootFloor
	if rfi, ok := f.cfg.Index.(RootFloorIndex); ok {
		if floor, err = rfi.RootFloor(ctx, f.cfg.Name); err != nil {
			return err
		}
	}
	now := f.now()
	switch {
	case !floor.Root.Defined():
		if err := trust.VerifyRoot(m.old); err != nil {
			return untrusted(err)
		}
	case m.old.Root.Version < floor.Version:
		return fmt.Errorf("%w: %s: the move follows root v%d, v%d was verified before", ErrRootDiverged, f.cfg.Name, m.old.Root.Version, floor.Version)
	default:
		if _, err := f.rootChain(ctx, get, floor, m.next.Root.Prev, m.old, now); err != nil {
			if unavailable(err) {
				return err
			}
			return fmt.Errorf("%w: %w", ErrRootDiverged, err)
		}
	}
	if err := trust.VerifyMoveStep(&m.old.Root, m.next.Root.Prev, m.next, m.mv, now); err != nil {
		return untrusted(err)
	}
	return m.err()
}

// VerifyMove checks, for a lock of the registry r (the name moved from),
// the move e reports against the Roots p pins and l records (l may be
// nil): the Root before the move descends from each of them, and the move
// step verifies (trust.VerifyMoveStep). A failure wraps ErrRootDiverged.
// It returns the trust root a lock of the new name records first.
func (r *Registry) VerifyMove(ctx context.Context, e *MovedError, p *manifest.Project, l *manifest.Lock) (*manifest.LockTrust, error) {
	data, err := r.blocks.Get(ctx, e.Moved)
	if err != nil {
		return nil, fmt.Errorf("load moved %s: %w", e.Moved, err)
	}
	m, err := loadMove(ctx, r.blocks.Get, e.Moved, data)
	if err != nil {
		return nil, err
	}
	if m.mv.From != r.name {
		return nil, fmt.Errorf("%w: %s: the move is from %s", ErrRootDiverged, r.name, m.mv.From)
	}
	for _, pin := range pins(p, l) {
		if err := descendsFrom(ctx, r.blocks.Get, r.name, m.next.Root.Prev, m.old, pin); err != nil {
			return nil, err
		}
	}
	if err := trust.VerifyMoveStep(&m.old.Root, m.next.Root.Prev, m.next, m.mv, r.now()); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrRootDiverged, r.name, err)
	}
	return m.err().Trust(), nil
}
