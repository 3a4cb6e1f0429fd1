package maint

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// ErrProblems is returned, inside a *ProblemsError, by Report.Err when a
// check found problems that are left.
var ErrProblems = errors.New("problems found")

// ProblemsError is returned by Report.Err: Count problems are left, the
// first of which is First.
type ProblemsError struct {
	Count int
	First string
	// Repaired says the check ran with Repair: what is left could not be
	// repaired with the sources it had.
	Repaired bool
	// Unreachable says every problem left is a registry's missing or
	// damaged blocks and a fetch failed because no source answered: a
	// source that answers could repair them all. The error then wraps
	// registry.ErrUnreachable as well.
	Unreachable bool
}

func (e *ProblemsError) Error() string {
	return fmt.Sprintf("%d problem(s), the first: %s", e.Count, e.First)
}

// Unwrap returns ErrProblems, and registry.ErrUnreachable when
// Unreachable is set.
func (e *ProblemsError) Unwrap() []error {
	if e.Unreachable {
		return []error{ErrProblems, registry.ErrUnreachable}
	}
	return []error{ErrProblems}
}

// IndexError is returned by GC when the index cannot be read (damaged,
// locked, unreadable): GC never runs on an index it cannot read. Its
// message is the cause's.
type IndexError struct{ Err error }

func (e *IndexError) Error() string { return e.Err.Error() }
func (e *IndexError) Unwrap() error { return e.Err }

// ReachError is returned by GC when a block that a kept head reaches is
// stored but damaged: what it links could not be marked, so GC removes
// nothing.
type ReachError struct {
	Registry string
	Kind     registry.BlockKind
	Block    cid.Cid
	Err      error
}

func (e *ReachError) Error() string {
	return fmt.Sprintf("gc: registry %s: %s block %s: %v", e.Registry, e.Kind, e.Block, e.Err)
}

func (e *ReachError) Unwrap() error { return e.Err }
