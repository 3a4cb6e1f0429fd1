package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ipfs/go-cid"
)

// The no-fork rule. A registry has one history: a signed sequence of
// states. Init starts one at seq 1, so it must not run for a key whose
// registry already has a history this home does not hold (the key was
// imported or copied: CheckFork), nor make a new key in a home whose
// index holds a registry of its own whose key is missing (CheckLostKey).
// Either refusal can be overridden by the caller (svcreg init --force).

// ErrFork is matched by a *ForkError.
var ErrFork = errors.New("a new seq 1 would fork the registry's history")

// ErrLostKey is matched by a *LostKeyError.
var ErrLostKey = errors.New("the index holds a registry whose key is missing")

// Remote is a registry the home follows under a short name, as plain
// data: the caller reads its own configuration.
type Remote struct {
	Name     string   // the remote's short name
	Registry string   // the registry's IPNS name (k51…)
	Gateways []string // where it is fetched from
}

// ForkError is returned by CheckFork: the home holds the registry's key
// but not its head, so the registry has a history elsewhere that a new
// seq 1 would fork. It says what the home knows of that history.
type ForkError struct {
	Name    string       // the registry
	Floor   uint64       // the highest seq this home has seen (0: none)
	Stored  *StoredState // the highest state among the stored blocks (nil: none)
	Remotes []Remote     // the remotes that follow it, by name
}

func (e *ForkError) Error() string {
	return fmt.Sprintf("%s: this home has the registry's key but not its head, and a new seq 1 would fork its history: %s", e.Name, e.Evidence())
}

// Is makes a *ForkError match ErrFork.
func (e *ForkError) Is(target error) bool { return target == ErrFork }

// Evidence says in words what the home knows of the registry's history.
func (e *ForkError) Evidence() string {
	var found []string
	if e.Floor > 0 {
		found = append(found, fmt.Sprintf("this home has seen its seq %d", e.Floor))
	}
	if e.Stored != nil {
		found = append(found, fmt.Sprintf("the block store holds its seq %d (%s) without a signed record", e.Stored.Seq, e.Stored.Root))
	}
	for _, r := range e.Remotes {
		found = append(found, fmt.Sprintf("remote %s follows it (%s)", r.Name, strings.Join(r.Gateways, ", ")))
	}
	if len(found) == 0 {
		return "the key was imported or copied, so the registry has a history elsewhere"
	}
	return strings.Join(found, "; ")
}

// ForkCheck is what CheckFork looks at besides the index.
type ForkCheck struct {
	// Keys lists the stored blocks (any codec; a block store lists
	// multihashes), searched for states of the registry when it has no
	// head. nil: none are searched.
	Keys func(ctx context.Context) (<-chan cid.Cid, error)
	// Remotes are the home's remotes; those that follow the registry are
	// named in the error.
	Remotes []Remote
}

// CheckFork returns nil when r's registry has a head in the index (Init
// is then a no-op), else a *ForkError: r was given a key whose registry
// this home does not hold, so Init would start a second history. Call it
// only for a key that was not made here just now.
func (r *Registry) CheckFork(ctx context.Context, fc ForkCheck) error {
	if _, err := r.cache.Head(ctx, r.name); err == nil || !errors.Is(err, ErrNoHead) {
		return err
	}
	e := &ForkError{Name: r.name}
	floor, err := r.cache.Floor(ctx, r.name)
	if err != nil {
		return err
	}
	e.Floor = floor
	if fc.Keys != nil {
		keys, err := fc.Keys(ctx)
		if err != nil {
			return err
		}
		st, ok, err := r.HighestStoredState(ctx, keys)
		if err != nil {
			return err
		} else if ok {
			e.Stored = &st
		}
	}
	for _, rm := range fc.Remotes {
		if rm.Registry == r.name {
			e.Remotes = append(e.Remotes, rm)
		}
	}
	slices.SortFunc(e.Remotes, func(a, b Remote) int { return strings.Compare(a.Name, b.Name) })
	return e
}

// HeadIndex is an Index that lists its heads and says when each
// registry's upstreams last answered (zero: never). *bolt.Index
// implements it.
type HeadIndex interface {
	Index
	// Heads returns the head of every registry in the index.
	Heads(ctx context.Context) ([]Head, error)
	// Checked returns when the upstreams of name last gave a valid answer
	// (zero: never).
	Checked(ctx context.Context, name string) (time.Time, error)
}

// LostKeyError is returned by CheckLostKey: the index holds registries
// that may be the home's own, and the home has no key.
type LostKeyError struct {
	Heads []Head // the registries, in the index's order
}

func (e *LostKeyError) Error() string {
	return fmt.Sprintf("the index holds the registry %s but not its key; a new key would start another registry beside it", e.Registries())
}

// Is makes a *LostKeyError match ErrLostKey.
func (e *LostKeyError) Is(target error) bool { return target == ErrLostKey }

// Registries names the registries and their sequences ("k51… (seq 2)"),
// joined by "and".
func (e *LostKeyError) Registries() string {
	var names []string
	for _, hd := range e.Heads {
		names = append(names, fmt.Sprintf("%s (seq %d)", hd.Name, hd.Seq))
	}
	return strings.Join(names, " and ")
}

// KeylessHeads returns the heads in idx of registries that are neither
// followed (a registry of one of remotes) nor ever checked against
// their upstreams, as every followed registry is: their heads were made
// here or imported from a CAR, so each may be the home's own registry.
func KeylessHeads(ctx context.Context, idx HeadIndex, remotes []Remote) ([]Head, error) {
	heads, err := idx.Heads(ctx)
	if err != nil {
		return nil, err
	}
	var out []Head
	for _, hd := range heads {
		if slices.ContainsFunc(remotes, func(r Remote) bool { return r.Registry == hd.Name }) {
			continue
		}
		if t, err := idx.Checked(ctx, hd.Name); err != nil {
			return nil, err
		} else if t.IsZero() {
			out = append(out, hd)
		}
	}
	return out, nil
}

// CheckLostKey is for a home without a key: it returns a *LostKeyError
// when idx holds a registry that may be the home's own (KeylessHeads),
// whose key was lost or deleted, or not yet imported; a new key would
// silently start a second registry beside it.
func CheckLostKey(ctx context.Context, idx HeadIndex, remotes []Remote) error {
	heads, err := KeylessHeads(ctx, idx, remotes)
	if err != nil || len(heads) == 0 {
		return err
	}
	return &LostKeyError{Heads: heads}
}
