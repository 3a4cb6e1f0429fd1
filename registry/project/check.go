package project

import (
	"context"
	"errors"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// Report is what checking a project's lockfile found.
type Report struct {
	Lock     *manifest.Lock // nil when the lockfile is missing or unreadable
	LockErr  error          // why Lock is nil: wraps ErrLockMissing or ErrLockUnreadable
	Head     registry.Head  // the registry state the lock was checked against; zero if none
	Findings []registry.Finding
}

// Outcome is what the report's findings mean as a whole (Classify).
func (rep *Report) Outcome() Outcome { return Classify(rep.Findings) }

// Inspect reads the project's lockfile and reports what is wrong with it
// on its own: that it is missing (registry.FindingMissing), cannot be
// decoded or is not in canonical form (registry.FindingStale; the
// finding's Err wraps ErrLockUnreadable or ErrNotCanonical). When
// rep.Lock is nil there is nothing more to check; else CheckRegistry
// checks it against the registry. Errors are failures to read the file
// at all (a permission denied).
func (p *Project) Inspect() (*Report, error) {
	rep := &Report{}
	lf, err := ReadLock(p.LockPath)
	switch {
	case errors.Is(err, ErrLockMissing):
		rep.LockErr = err
		rep.Findings = append(rep.Findings, registry.Finding{Kind: registry.FindingMissing, Message: p.LockPath + " does not exist", Err: err})
		return rep, nil
	case errors.Is(err, ErrLockUnreadable):
		rep.LockErr = err
		rep.Findings = append(rep.Findings, registry.Finding{Kind: registry.FindingStale, Message: err.Error(), Err: err})
		return rep, nil
	case err != nil:
		return nil, err
	}
	rep.Lock = lf.Lock
	ok, err := lf.Canonical()
	if err != nil {
		return nil, err
	}
	if !ok {
		rep.Findings = append(rep.Findings, registry.Finding{Kind: registry.FindingStale, Err: ErrNotCanonical,
			Message: p.LockPath + " is not in canonical form (edited by hand or by another tool)"})
	}
	return rep, nil
}

// CheckRegistry checks rep.Lock, which must not be nil, against reg
// (registry.Registry.Check) and adds notes, the findings of bringing reg
// up to date (Refresh), and then Check's findings to rep.
func (p *Project) CheckRegistry(ctx context.Context, rep *Report, reg *registry.Registry, notes []registry.Finding, opts registry.CheckOptions) error {
	r, err := reg.Check(ctx, p.Config, rep.Lock, opts)
	if err != nil {
		return err
	}
	rep.Head = r.Head
	rep.Findings = append(append(rep.Findings, notes...), r.Findings...)
	return nil
}

// Overview is what a report on a project's lockfile says, as `svcreg check
// --json` prints it (docs/CLI.md) less the verdict's exit code.
type Overview struct {
	Lockfile string             `json:"lockfile"`
	Registry string             `json:"registry"`
	Root     string             `json:"root"` // the registry state checked against; "" when none
	Seq      uint64             `json:"seq"`
	Services int                `json:"services"` // how many services the lock holds
	Findings []registry.Finding `json:"findings"` // never null
}

// Overview sums up rep, a report on p's lockfile.
func (p *Project) Overview(rep *Report) Overview {
	s := Overview{Lockfile: p.LockPath, Registry: p.Config.Registry, Findings: append([]registry.Finding{}, rep.Findings...)}
	if rep.Lock != nil {
		s.Services = len(rep.Lock.Services)
	}
	if rep.Head.Root.Defined() {
		s.Root, s.Seq = rep.Head.Root.String(), rep.Head.Seq
	}
	return s
}
