package manifest

import (
	"fmt"
	"maps"
	"slices"
)

// DriftKind says how a lock is out of date with its project.
type DriftKind int

// The ways a lock drifts from its project.
const (
	// DriftRegistry: the project names another registry than the lock.
	DriftRegistry DriftKind = iota + 1
	// DriftAdded: the project asks for a service the lock does not hold.
	DriftAdded
	// DriftRemoved: the lock holds a service the project no longer asks for.
	DriftRemoved
	// DriftRange: the project asks for another range or tag than the one
	// the lock recorded.
	DriftRange
	// DriftUnsatisfied: the locked version is outside the range the lock
	// itself records (the lock was edited by hand).
	DriftUnsatisfied
)

// Drift is one way a lock is out of date with its project.
type Drift struct {
	Kind    DriftKind
	Service Name   // empty for DriftRegistry
	Want    string // what the project asks for (registry name, range)
	Have    string // what the lock records (registry name, range, version)
}

// String describes the drift in one line.
func (d Drift) String() string {
	switch d.Kind {
	case DriftRegistry:
		return fmt.Sprintf("svcreg.json names registry %s, the lock was made for %s", d.Want, d.Have)
	case DriftAdded:
		return fmt.Sprintf("%s@%s is in svcreg.json but not in the lock", d.Service, d.Want)
	case DriftRemoved:
		return fmt.Sprintf("%s is in the lock (%s) but no longer in svcreg.json", d.Service, d.Have)
	case DriftRange:
		return fmt.Sprintf("%s: svcreg.json asks for %q, the lock recorded %q", d.Service, d.Want, d.Have)
	case DriftUnsatisfied:
		return fmt.Sprintf("%s: the locked version %s does not satisfy the recorded range %q", d.Service, d.Have, d.Want)
	}
	return fmt.Sprintf("drift %d of %s", d.Kind, d.Service)
}

// Drift lists how l is out of date with p: the registry first, then by
// service name. A lock for another registry drifts in the registry alone.
// It is empty when l is current.
func (l *Lock) Drift(p *Project) []Drift {
	if l.Registry != p.Registry {
		return []Drift{{Kind: DriftRegistry, Want: p.Registry, Have: l.Registry}}
	}
	names := slices.Sorted(maps.Keys(p.Services))
	for n := range l.Services {
		if _, ok := p.Services[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []Drift
	for _, n := range names {
		sp, want := p.Services[n]
		e, have := l.Services[n]
		switch {
		case !have:
			out = append(out, Drift{Kind: DriftAdded, Service: n, Want: sp.Query()})
		case !want:
			out = append(out, Drift{Kind: DriftRemoved, Service: n, Have: fmt.Sprintf("%s@%s", n, e.Version)})
		case sp.Query() != e.Range:
			out = append(out, Drift{Kind: DriftRange, Service: n, Want: sp.Query(), Have: e.Range})
		case !e.inOwnRange():
			out = append(out, Drift{Kind: DriftUnsatisfied, Service: n, Want: e.Range, Have: e.Version.String()})
		}
	}
	return out
}

// inOwnRange reports whether the entry's version satisfies the range it
// records; entries locked from a tag always do.
func (e LockEntry) inOwnRange() bool {
	r, err := ParseRange(e.Range)
	return err != nil || r.Match(e.Version)
}

// Satisfies reports whether e may stay locked for spec, as npm and Cargo
// keep a locked version while it still meets the requirement: for a range,
// the locked version matches it (yanked or not); for a tag, the entry was
// locked from that same tag.
func (e LockEntry) Satisfies(spec Spec) bool {
	if spec.Tag != "" {
		return e.Range == spec.Tag
	}
	return spec.Range.Match(e.Version)
}
