package project

import (
	"context"
	"errors"
	"fmt"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
)

// Syncer brings a followed registry's head up to date; *follow.Follower
// is one.
type Syncer interface {
	Sync(ctx context.Context, refresh bool) (follow.Sync, error)
}

// Refresh brings the copy of the registry name here up to date through s
// (which asks its gateways unless offline, without gateways, or the copy
// is fresh and refresh is false), then checks the signed record of the
// head idx holds. Problems that leave a usable copy come back as warning
// findings (registry.FindingUnverifiable): no gateway reachable or with a
// newer state, an expired record. Having no copy at all is not an error
// here: Registry.Lock and Registry.Check report ErrUnverifiable. A forged
// or rolled-back record, or a stored record that fails its check, is an
// error.
func Refresh(ctx context.Context, s Syncer, idx registry.Index, name ipnsrec.Name, refresh bool, now time.Time) ([]registry.Finding, error) {
	notes, err := syncNotes(ctx, s, name.String(), refresh)
	if err != nil {
		return nil, err
	}
	more, err := verifyHead(ctx, idx, name.String(), now)
	if err != nil {
		return nil, err
	}
	return append(notes, more...), nil
}

// unverifiable is a warning finding.
func unverifiable(format string, args ...any) registry.Finding {
	return registry.Finding{Kind: registry.FindingUnverifiable, Warning: true, Message: fmt.Sprintf(format, args...)}
}

// syncNotes runs s and turns what leaves a usable copy into warnings.
func syncNotes(ctx context.Context, s Syncer, name string, refresh bool) ([]registry.Finding, error) {
	st, err := s.Sync(ctx, refresh)
	switch {
	case err == nil && st.Stale != nil:
		return []registry.Finding{unverifiable("no gateway gave a newer state of %s; using the copy here, seq %d: %v", name, st.Head.Seq, st.Stale)}, nil
	case err == nil:
		var notes []registry.Finding
		for _, p := range st.Problems { // other gateways gave the answer
			notes = append(notes, unverifiable("%s", p))
		}
		return notes, nil
	case !st.Cached && (errors.Is(err, registry.ErrOffline) || errors.Is(err, registry.ErrNoHead)):
		return nil, nil // no copy and nothing to ask: the caller reports ErrUnverifiable
	case errors.Is(err, registry.ErrUnavailable) || errors.Is(err, registry.ErrRecordNotFound):
		return []registry.Finding{unverifiable("no gateway gave a state of %s: %v", name, err)}, nil
	case errors.Is(err, registry.ErrBurnt) && !errors.Is(err, registry.ErrRootDiverged):
		return []registry.Finding{unverifiable("%v; the lock stays as it is: the registry's owner can move it to a new name ('svcreg move')", err)}, nil
	}
	return nil, err
}

// verifyHead checks the signed record of the stored head of name, if
// there is one: an invalid record is an error, an expired one a warning
// (the copy is authentic, but newer states may exist).
func verifyHead(ctx context.Context, idx registry.Index, name string, now time.Time) ([]registry.Finding, error) {
	head, err := idx.Head(ctx, name)
	if errors.Is(err, registry.ErrNoHead) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if _, err := ipns.VerifyHead(head, now); errors.Is(err, ipns.ErrExpiredRecord) {
		return []registry.Finding{unverifiable("the copy of %s here (seq %d) has an expired record; newer states may exist: %v", name, head.Seq, err)}, nil
	} else if err != nil {
		return nil, fmt.Errorf("the stored head of %s: %w", name, err)
	}
	return nil, nil
}
