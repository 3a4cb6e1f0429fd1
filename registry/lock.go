package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// LockOptions says which lock entries Lock resolves again.
type LockOptions struct {
	// Update names services to resolve again even though their entry
	// still satisfies the project (svcreg update NAME…). Each must be in
	// the project.
	Update []manifest.Name
	// UpdateAll resolves every service again (svcreg update).
	UpdateAll bool
}

// LockChange is one service whose lock entry Lock added, changed or
// removed. Old is nil for an added service, New for a removed one.
type LockChange struct {
	Service manifest.Name
	Old     *manifest.LockEntry
	New     *manifest.LockEntry
}

// LockResult is the outcome of Lock.
type LockResult struct {
	Lock     *manifest.Lock
	Changed  bool         // whether Lock differs from the lock given
	Changes  []LockChange // by service name
	Trust    *TrustChange // how the recorded trust root changed; nil when it did not
	Findings []Finding    // warnings, such as a kept entry that is now yanked
}

// Lock resolves the services p asks for at the registry's head and
// returns the lock for them. With old (the existing lock, or nil), it
// works as npm and Cargo do: an entry whose version still satisfies what
// p asks for is kept, after checking it against the manifest, even when
// that version has been yanked since (a warning finding says so); other
// services are resolved anew, and yanked versions are never newly locked
// (ErrYanked, even when named exactly). opts forces entries to be
// resolved again. When no entry changes, the result is old itself, root
// and sequence included, so running Lock again rewrites nothing, unless
// old's root is not the registry's state at old's sequence (the lock was
// edited, its seq even beyond the head's): then the result records the
// head's state, with a warning finding, and Check accepts it again.
//
// When the head links a trust Root, the lock records it (a version-2
// lock): first after checking that it descends from the Root p pins and
// the one old records, if any (ErrRootDiverged). A lock without one (a
// version-1 lock) gets it, and one made before a rotation the Root that
// followed: then the lock records the head's state, as when an entry
// changes.
//
// Errors wrap ErrUnverifiable when the head is unknown or older than
// old's state; an entry that cannot be kept or resolved is a
// *LockEntryError wrapping ErrLockMismatch (a kept entry disagrees with
// the manifest) or the resolution error (ErrServiceNotFound,
// manifest.ErrNoMatch, …).
func (r *Registry) Lock(ctx context.Context, p *manifest.Project, old *manifest.Lock, opts LockOptions) (LockResult, error) {
	if p.Registry != r.name {
		return LockResult{}, fmt.Errorf("lock: the project names registry %s, not %s", p.Registry, r.name)
	}
	for _, n := range opts.Update {
		if _, ok := p.Services[n]; !ok {
			return LockResult{}, fmt.Errorf("update %s: %w: it is not in the project's services", n, ErrServiceNotFound)
		}
	}
	if old != nil && old.Registry != r.name {
		old = nil // made for another registry: nothing in it applies
	}
	st, err := r.snapshot(ctx)
	if err != nil {
		return LockResult{}, err
	}
	if old != nil && old.Seq > st.head.Seq && !st.seqEdited(ctx, old) {
		return LockResult{}, fmt.Errorf("%w: the lock was made at seq %d of %s, the newest state known here is seq %d",
			ErrUnverifiable, old.Seq, r.name, st.head.Seq)
	}
	tr, err := st.lockTrust(ctx, p, old)
	if err != nil {
		return LockResult{}, err
	}
	res := LockResult{Lock: &manifest.Lock{Registry: r.name, Root: st.head.Root, Seq: st.head.Seq, Services: map[manifest.Name]manifest.LockEntry{}, Trust: tr}}
	for _, n := range slices.Sorted(maps.Keys(p.Services)) {
		spec := p.Services[n]
		var prev *manifest.LockEntry
		if e, ok := lockEntry(old, n); ok {
			prev = &e
		}
		keep := prev != nil && !opts.UpdateAll && !slices.Contains(opts.Update, n) && prev.Satisfies(spec)
		e, f, err := st.entry(ctx, spec, prev, keep)
		if err != nil {
			return LockResult{}, &LockEntryError{Service: n, Err: err}
		}
		if f != nil {
			res.Findings = append(res.Findings, *f)
		}
		res.Lock.Services[n] = e
	}
	res.Changes = lockChanges(old, res.Lock)
	var oldTrust *manifest.LockTrust
	if old != nil {
		oldTrust = old.Trust
	}
	if !oldTrust.Equal(tr) {
		res.Trust = &TrustChange{Old: oldTrust, New: tr, Pinned: p.Root.Defined()}
	}
	if old != nil && len(res.Changes) == 0 && res.Trust == nil && old.Root.Defined() {
		ok, err := st.isState(ctx, old.Root, old.Seq)
		if err != nil {
			return LockResult{}, err
		}
		if ok {
			res.Lock = old
			return res, nil
		}
		// old's root and seq are no state of the registry (edited, or
		// history rewritten): its entries hold, its state is the head's.
		res.Findings = append(res.Findings, Finding{Kind: FindingMismatch, Warning: true,
			Message: fmt.Sprintf("the lock's root %s is not seq %d of %s; it now records seq %d", old.Root, old.Seq, r.name, st.head.Seq)})
	}
	res.Changed = !res.Lock.Equal(old)
	return res, nil
}

// isState reports whether root is the registry's state seq. When that
// cannot be told (the history is not all here, or too long to walk), it
// reports true: Check warns about those cases instead.
func (st *snapshot) isState(ctx context.Context, root cid.Cid, seq uint64) (bool, error) {
	if seq > st.head.Seq {
		return false, nil // only a lock whose seq was edited gets here
	}
	c, err := st.stateAt(ctx, seq)
	switch {
	case errors.Is(err, errHistoryTooLong), err != nil && unavailable(err):
		return true, nil
	case err != nil:
		return false, err
	}
	return c.Equals(root), nil
}

// seqEdited reports whether l's seq is not the one its root's manifest
// carries: the lock was edited by hand, and its seq says nothing.
func (st *snapshot) seqEdited(ctx context.Context, l *manifest.Lock) bool {
	seq, ok := st.rootSeq(ctx, l.Root)
	return ok && seq != l.Seq
}

// lockEntry returns l's entry for n; l may be nil.
func lockEntry(l *manifest.Lock, n manifest.Name) (manifest.LockEntry, bool) {
	if l == nil {
		return manifest.LockEntry{}, false
	}
	e, ok := l.Services[n]
	return e, ok
}

// entry returns the lock entry for spec: prev itself when keep is set and
// the manifest agrees with it, else a new resolution.
func (st *snapshot) entry(ctx context.Context, spec manifest.Spec, prev *manifest.LockEntry, keep bool) (manifest.LockEntry, *Finding, error) {
	if keep {
		rel, err := st.release(ctx, spec.Name, prev.Version)
		if err != nil {
			return manifest.LockEntry{}, nil, err
		}
		if !prev.Matches(rel) {
			return manifest.LockEntry{}, nil, fmt.Errorf("%w: %s", ErrLockMismatch, mismatch(spec.Name, *prev, rel, st.head))
		}
		e := *prev
		e.Range = spec.Query()
		if rel.Yanked() {
			return e, yankFinding(spec.Name, e.Version, rel, true), nil
		}
		return e, nil, nil
	}
	s, err := st.service(ctx, spec.Name)
	if err != nil {
		return manifest.LockEntry{}, nil, err
	}
	v, rel, err := s.Resolve(spec)
	if err != nil {
		return manifest.LockEntry{}, nil, err
	}
	if rel.Yanked() {
		return manifest.LockEntry{}, nil, fmt.Errorf("lock %s: %w: %s@%s (%s); a yanked version stays only where a lock already has it",
			spec, manifest.ErrYanked, spec.Name, v, yankReason(rel))
	}
	return manifest.EntryFor(spec.Query(), v, rel), nil, nil
}

// lockChanges lists the entries that differ between old (may be nil) and
// l, by service name.
func lockChanges(old, l *manifest.Lock) []LockChange {
	names := slices.Collect(maps.Keys(l.Services))
	if old != nil {
		for n := range old.Services {
			if _, ok := l.Services[n]; !ok {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	var out []LockChange
	for _, n := range names {
		o, hadOld := lockEntry(old, n)
		e, hasNew := l.Services[n]
		switch {
		case hadOld && hasNew && o.Equal(e):
		case hadOld && hasNew:
			out = append(out, LockChange{Service: n, Old: &o, New: &e})
		case hasNew:
			out = append(out, LockChange{Service: n, New: &e})
		default:
			out = append(out, LockChange{Service: n, Old: &o})
		}
	}
	return out
}

// yankReason says "yanked" and why, for messages.
func yankReason(rel manifest.Release) string {
	if rel.Yank == nil || rel.Yank.Reason == "" {
		return "yanked"
	}
	return "yanked: " + rel.Yank.Reason
}

// isNotFound reports whether err says a service or version is not
// in the registry.
func isNotFound(err error) bool {
	return errors.Is(err, ErrServiceNotFound) || errors.Is(err, manifest.ErrVersionNotFound)
}
