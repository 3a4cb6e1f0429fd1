package node

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/svcreg/svcreg/registry/target"
)

// ErrEmptySpec is a FollowError's Err for an empty spec.
var ErrEmptySpec = errors.New("empty")

// ErrNoUpstream is a FollowError's Err for a registry that has no
// upstream to be followed from.
var ErrNoUpstream = errors.New("no upstream")

// FollowError is returned by ResolveFollow for a spec it cannot follow:
// Spec as it was written, and why (ErrEmptySpec, ErrNoUpstream, or the
// resolver's error).
type FollowError struct {
	Spec string
	Err  error
}

func (e *FollowError) Error() string { return fmt.Sprintf("follow %q: %v", e.Spec, e.Err) }
func (e *FollowError) Unwrap() error { return e.Err }

// ResolveFollow resolves the registries to follow (Config.Follow) as
// svcreg serve --follow and config.json's follow list name them: each
// spec once, in order, through r (a remote's NAME, a k51… name, a domain
// with DNSLink). Each must come with upstreams (the resolver's gateways:
// a remote's, or those it was given); the first spec that cannot be
// followed fails with a *FollowError.
func ResolveFollow(ctx context.Context, r *target.Resolver, specs []string) ([]target.Target, error) {
	return ResolveFollowWith(ctx, r, specs, FollowOptions{})
}

// FollowOptions say how ResolveFollowWith resolves.
type FollowOptions struct {
	// P2P says the node is a peer on the IPFS network (Config.P2P), a
	// source of every registry it follows: a registry without upstreams
	// is then followed from the network alone.
	P2P bool
}

// ResolveFollowWith is ResolveFollow as o says.
func ResolveFollowWith(ctx context.Context, r *target.Resolver, specs []string, o FollowOptions) ([]target.Target, error) {
	var out []target.Target
	seen := map[string]bool{}
	for _, spec := range specs {
		if seen[spec] {
			continue
		}
		seen[spec] = true
		if spec == "" { // the resolver would take it for the default registry
			return nil, &FollowError{Spec: spec, Err: ErrEmptySpec}
		}
		t, err := r.Resolve(ctx, spec)
		if err != nil {
			return nil, &FollowError{Spec: spec, Err: err}
		}
		if len(t.Gateways) == 0 && !o.P2P {
			return nil, &FollowError{Spec: spec, Err: ErrNoUpstream}
		}
		out = append(out, t)
	}
	return out, nil
}

// FromHome completes cfg from its home's config file (home.Config): the
// replicas it lists (Config.Replicas), and the registries to follow
// (Config.Follow): follow (a command line's, first), then the file's
// follow list, each resolved once through r (ResolveFollowWith, followed
// from the IPFS network alone when cfg.P2P is set). Errors are the config
// file's or a *FollowError.
func FromHome(ctx context.Context, cfg *Config, r *target.Resolver, follow []string) error {
	hc, err := cfg.Home.Config()
	if err != nil {
		return err
	}
	if cfg.Replicas, err = hc.ReplicaList(); err != nil {
		return err
	}
	specs := append(slices.Clip(follow), hc.Follow...)
	cfg.Follow, err = ResolveFollowWith(ctx, r, specs, FollowOptions{P2P: cfg.P2P != nil})
	return err
}
