package project

import (
	"context"
	"errors"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/target"
)

// Target is the registry cfg names (name, as Load resolved it) as the
// home hm follows it: from gateways when any are given (a command line's
// --gateway), else from cfg's own, and Own when hm holds the registry's
// key (its publisher locks against the copy it publishes). A home without
// a key is a consumer's, which needs none; a key that cannot be loaded is
// an error.
func Target(hm *home.Home, cfg *manifest.Project, name ipnsrec.Name, gateways []string) (target.Target, error) {
	if len(gateways) == 0 {
		gateways = cfg.Gateways
	}
	key, err := hm.Key()
	if err != nil && !errors.Is(err, home.ErrNoKey) {
		return target.Target{}, err
	}
	own := key != nil && key.Name() == name.String()
	return target.Target{Name: name, Gateways: gateways, Own: own}, nil
}

// OpenOptions configure OpenRegistry.
type OpenOptions struct {
	// Gateways replace the project's (a command line's --gateway).
	Gateways []string
	// Follow configures the follower (offline, timeout, user agent).
	Follow home.FollowOptions
	// Refresh asks the gateways even when the copy is within its TTL.
	Refresh bool
}

// OpenRegistry opens the home dir (with hopts) for reading the registry
// cfg names (name, as Load resolved it; Target says from where): the
// copy in the home, brought up to date from the gateways (Refresh)
// unless offline or the copy was confirmed less than its TTL ago. Blocks
// missing in the home are fetched from the gateways and verified.
// Problems that leave a usable copy come back as warning findings; having
// no copy at all is left to the caller, where Registry.Lock and
// Registry.Check report ErrUnverifiable. A registry that moved is an
// error: a *registry.MovedError when the move verifies from the Roots cfg
// pins and l (may be nil) records (CheckMove), else ErrRootDiverged. On
// an error the home is closed.
func OpenRegistry(ctx context.Context, dir string, hopts *home.Options, cfg *manifest.Project, name ipnsrec.Name, l *manifest.Lock, opts OpenOptions) (*home.Session, []registry.Finding, error) {
	hm, err := home.Open(dir, hopts)
	if err != nil {
		return nil, nil, err
	}
	t, err := Target(hm, cfg, name, opts.Gateways)
	if err != nil {
		hm.Close()
		return nil, nil, err
	}
	s, err := hm.Read(ctx, t, opts.Follow)
	if err != nil {
		hm.Close()
		return nil, nil, err
	}
	notes, err := Refresh(ctx, s.Follower, s.ReadIndex(), name, opts.Refresh, time.Now())
	if err = CheckMove(ctx, s.Registry, cfg, l, err); err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, notes, nil
}
