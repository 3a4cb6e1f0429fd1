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

// FindingKind is the class of a Check finding. The command line maps each
// class to its own exit code.
type FindingKind string

// The classes of findings.
const (
	// FindingStale: the lock is out of date with the project (a service
	// added, removed or asked for with another range; another registry).
	FindingStale FindingKind = "stale"
	// FindingMismatch: the lock disagrees with the registry's signed
	// manifest (another CID for a version, a version or state the
	// registry does not have): the lock was edited or the registry's
	// history was rewritten.
	FindingMismatch FindingKind = "mismatch"
	// FindingTampered: the lock contradicts itself: the manifest at its
	// root carries another sequence than its seq (the seq or root line
	// was edited by hand).
	FindingTampered FindingKind = "tampered"
	// FindingYanked: a locked version has been yanked.
	FindingYanked FindingKind = "yanked"
	// FindingContent: a locked release's blocks are missing from the local
	// store or fail their hash.
	FindingContent FindingKind = "content"
	// FindingUnverifiable: there is nothing here to check the lock against.
	FindingUnverifiable FindingKind = "unverifiable"
	// FindingDiverged: the registry's trust Root does not descend from
	// the Root the lock records or the project pins (ErrRootDiverged).
	FindingDiverged FindingKind = "diverged"
	// FindingMissing: the lockfile does not exist. Check never reports it
	// (it is given a lock); registry/project does.
	FindingMissing FindingKind = "missing"
)

// Finding is one thing Check found.
type Finding struct {
	Kind    FindingKind
	Service manifest.Name // empty when the finding is about the whole lock
	Version string        // the locked version, when there is one
	Warning bool          // reported, but not a failure
	Message string
	// Err is the error behind the finding, when there is one: for
	// FindingContent, the ContentCheck's (errors.Is ErrUnsafeContent,
	// ErrCorruptBlock, …).
	Err error
}

// ContentCheck reads every block of the UnixFS DAG under root from the
// local store and checks it against its CID, and that every entry of the
// tree would be written out. Its errors wrap ErrBlockNotFound for a
// missing block, ErrCorruptBlock for a bad one and ErrUnsafeContent for
// entries that installing would refuse.
type ContentCheck func(ctx context.Context, root cid.Cid) error

// CheckOptions configure Check.
type CheckOptions struct {
	Strict  bool         // a yanked locked version is an error, not a warning
	Content ContentCheck // when set, each locked release's content is checked
}

// Report is the outcome of Check.
type Report struct {
	Head     Head // the state the lock was checked against; zero if none
	Findings []Finding
}

// Failed reports whether any finding is more than a warning.
func (rep Report) Failed() bool {
	return slices.ContainsFunc(rep.Findings, func(f Finding) bool { return !f.Warning })
}

// maxHistoryWalk bounds how many states Check walks back from the head to
// find the lock's own state.
const maxHistoryWalk = 1 << 16

// Check reports whether l is complete, current and true for p: its drift
// from p (FindingStale), each entry against the head's signed manifest
// and the lock's root against the registry's history (FindingMismatch,
// FindingYanked), that the registry's trust Root descends from the one l
// records and the one p pins (FindingDiverged; a version-1 lock records
// none), and with opts.Content each release's blocks (FindingContent). When the head, or blocks needed to read it, are not
// here, it reports FindingUnverifiable rather than failing. It changes
// nothing. The error is for failures to check at all (a cancelled ctx, a
// corrupt manifest block).
func (r *Registry) Check(ctx context.Context, p *manifest.Project, l *manifest.Lock, opts CheckOptions) (Report, error) {
	var rep Report
	drift := l.Drift(p)
	for _, d := range drift {
		rep.Findings = append(rep.Findings, Finding{Kind: FindingStale, Service: d.Service, Message: d.String()})
	}
	if len(drift) == 0 || drift[0].Kind != manifest.DriftRegistry {
		if err := r.checkRegistry(ctx, p, l, opts, &rep); err != nil {
			return rep, err
		}
	}
	if opts.Content != nil {
		if err := checkContent(ctx, l, opts.Content, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func (r *Registry) checkRegistry(ctx context.Context, p *manifest.Project, l *manifest.Lock, opts CheckOptions, rep *Report) error {
	st, err := r.snapshot(ctx)
	if errors.Is(err, ErrUnverifiable) {
		rep.Findings = append(rep.Findings, Finding{Kind: FindingUnverifiable, Message: err.Error()})
		return nil
	} else if err != nil {
		return err
	}
	rep.Head = st.head
	if err := st.checkTrust(ctx, p, l, rep); err != nil {
		return err
	}
	tampered, err := st.checkRoot(ctx, l, rep)
	if err != nil {
		return err
	}
	ahead := l.Seq > st.head.Seq && !tampered
	for _, n := range slices.Sorted(maps.Keys(l.Services)) {
		e := l.Services[n]
		f := Finding{Service: n, Version: e.Version.String()}
		rel, err := st.release(ctx, n, e.Version)
		switch {
		case errors.Is(err, ErrLockMismatch) && ahead:
			f.Kind, f.Message = FindingUnverifiable, fmt.Sprintf("%v; the lock was made at seq %d, after the newest state known here", err, l.Seq)
		case errors.Is(err, ErrLockMismatch):
			f.Kind, f.Message = FindingMismatch, err.Error()
		case err != nil && unavailable(err):
			f.Kind, f.Message = FindingUnverifiable, fmt.Sprintf("%s@%s: %v", n, e.Version, err)
		case err != nil:
			return err
		case !e.Matches(rel):
			f.Kind, f.Message = FindingMismatch, mismatch(n, e, rel, st.head)
		case rel.Yanked():
			f = *yankFinding(n, e.Version, rel, !opts.Strict)
		default:
			continue
		}
		rep.Findings = append(rep.Findings, f)
	}
	return nil
}

// checkRoot checks that the lock's root is the registry's state l.Seq, by
// walking back from the head. A root whose manifest carries another
// sequence than l.Seq is FindingTampered (and reported as true). It only
// warns when the root cannot be checked.
func (st *snapshot) checkRoot(ctx context.Context, l *manifest.Lock, rep *Report) (bool, error) {
	warn := func(format string, args ...any) (bool, error) {
		rep.Findings = append(rep.Findings, Finding{Kind: FindingUnverifiable, Warning: true,
			Message: fmt.Sprintf("cannot check the lock's root %s (seq %d): ", l.Root, l.Seq) + fmt.Sprintf(format, args...)})
		return false, nil
	}
	if seq, ok := st.rootSeq(ctx, l.Root); ok && seq != l.Seq {
		rep.Findings = append(rep.Findings, Finding{Kind: FindingTampered,
			Message: fmt.Sprintf("the lock's seq %d is not its root's: %s is seq %d of %s (the lock was edited)", l.Seq, l.Root, seq, st.r.name)})
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if l.Seq > st.head.Seq {
		return warn("the newest state of %s known here is seq %d", st.r.name, st.head.Seq)
	}
	c, err := st.stateAt(ctx, l.Seq)
	switch {
	case errors.Is(err, errHistoryTooLong):
		return warn("it is more than %d states older than the head", maxHistoryWalk)
	case err != nil && unavailable(err):
		return warn("the registry's history is not all here: %v", err)
	case err != nil:
		return false, err
	}
	if !c.Equals(l.Root) {
		rep.Findings = append(rep.Findings, Finding{Kind: FindingMismatch,
			Message: fmt.Sprintf("the lock's root %s is not seq %d of %s; the registry's signed history has %s", l.Root, l.Seq, st.r.name, c)})
	}
	return false, nil
}

// rootSeq returns the sequence the manifest at root carries, when that
// block is stored here (it is not fetched) and is a state of this
// registry. It says nothing of whether the state is in the registry's
// signed history (stateAt does).
func (st *snapshot) rootSeq(ctx context.Context, root cid.Cid) (uint64, bool) {
	if ok, err := st.r.blocks.Has(ctx, root); err != nil || !ok {
		return 0, false
	}
	m, err := st.r.loadManifest(ctx, st.r.blocks.Get, root)
	if err != nil || m.Registry != st.r.name {
		return 0, false
	}
	return m.Seq, true
}

// errHistoryTooLong is returned by stateAt for a state more than
// maxHistoryWalk states older than the head.
var errHistoryTooLong = errors.New("state too far back in the history")

// stateAt returns the root of the registry's state seq (at most the
// head's), walking back from the head. A history that is not all here
// comes back as an unavailable error.
func (st *snapshot) stateAt(ctx context.Context, seq uint64) (cid.Cid, error) {
	if st.head.Seq-seq > maxHistoryWalk {
		return cid.Undef, errHistoryTooLong
	}
	c, m := st.head.Root, st.m
	for m.Seq > seq {
		if err := ctx.Err(); err != nil {
			return cid.Undef, err
		}
		prev, err := st.r.loadManifest(ctx, st.r.blocks.Get, m.Prev)
		if err != nil {
			return cid.Undef, err
		}
		if prev.Seq != m.Seq-1 || prev.Registry != st.r.name {
			return cid.Undef, fmt.Errorf("%w: %s (seq %d) links to seq %d of %s as its previous state", manifest.ErrInvalidManifest, c, m.Seq, prev.Seq, prev.Registry)
		}
		c, m = m.Prev, prev
	}
	return c, nil
}

// checkContent runs check on every locked release.
func checkContent(ctx context.Context, l *manifest.Lock, check ContentCheck, rep *Report) error {
	for _, n := range slices.Sorted(maps.Keys(l.Services)) {
		e := l.Services[n]
		err := check(ctx, e.CID)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		what := "content is not readable"
		switch {
		case errors.Is(err, ErrCorruptBlock):
			what = "content is corrupt"
		case errors.Is(err, ErrUnsafeContent):
			what = "install would refuse it"
		case unavailable(err):
			what = "content is missing"
		}
		rep.Findings = append(rep.Findings, Finding{Kind: FindingContent, Service: n, Version: e.Version.String(),
			Message: fmt.Sprintf("%s@%s: %s: %v", n, e.Version, what, err), Err: err})
	}
	return nil
}
