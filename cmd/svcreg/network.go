package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

// targetFlags pick the registry a command works on and where its data may
// come from.
func targetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "registry", Usage: "the registry: a k51… name, a domain with a DNSLink record or a remote's NAME (default: this home's own, else the default remote)"},
		&cli.StringSliceFlag{Name: "gateway", Usage: "trustless gateway `URL` to fetch from; repeat for several (replaces the remote's)"},
		&cli.BoolFlag{Name: "offline", Usage: "use only what is cached here; never ask a gateway"},
		&cli.DurationFlag{Name: "timeout", Value: remote.DefaultTimeout, Usage: "give up on a gateway after this long without data"},
	}
}

// readFlags are targetFlags plus --refresh, for commands that answer from
// the registry's newest state.
func readFlags() []cli.Flag {
	return append(targetFlags(),
		&cli.BoolFlag{Name: "refresh", Usage: "ask the gateways for a newer state even if the cached one is within its TTL"})
}

// network is the fetch side of an opened home: the library's follower
// of the registry.
type network struct {
	target   target.Target
	follower *follow.Follower
}

// selectedTarget is the registry the command is about (see
// target.Resolver.Resolve): --registry, else the home's own registry, else
// the default remote, else the one registry whose state the home holds.
// --gateway replaces a remote's gateways. The resolver's errors get their
// exit code and hint.
func selectedTarget(c *cli.Context, dir string) (target.Target, error) {
	r, err := newTargets(c, dir, c.StringSlice("gateway"))
	if err != nil {
		return target.Target{}, err
	}
	t, err := r.Resolve(c.Context, c.String("registry"))
	return t, targetErr(err, "--registry", dir)
}

// openTarget opens the home for the selected registry. Without gateways
// (or with --offline) only the local store answers; with them, blocks
// missing here are fetched, verified and kept. With refresh, the head is
// brought up to date first (see syncHead).
func openTarget(c *cli.Context, refresh bool) (h *home, err error) {
	if h, err = openBlocks(c); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			h.Close()
			h = nil
		}
	}()
	if c.String("registry") == "" && len(c.StringSlice("gateway")) == 0 {
		// A registry of one's own, read locally: the common, fast path.
		if err = h.open(c, false); !errors.Is(err, svchome.ErrNoKey) {
			return h, err
		}
	}
	t, err := selectedTarget(c, h.dir)
	if err != nil {
		return h, err
	}
	if t.Own && len(t.Gateways) == 0 {
		return h, h.open(c, false)
	}
	if err = h.follow(c, t); err != nil || !refresh {
		return h, err
	}
	return h, h.syncHead(c)
}

// follow wires the home to follow t through the library's Follower
// (registry/home.Follow), over a snapshot of the index that Close writes
// back: no lock is held during a request.
func (h *home) follow(c *cli.Context, t target.Target) error {
	if h.readOnly && !c.Bool("offline") && len(t.Gateways) > 0 {
		warnf(c, "%s is read-only: answering from what it holds, as with --offline", h.dir)
	}
	f, snap, err := h.h.Follow(c.Context, t, svchome.FollowOptions{
		Offline: c.Bool("offline"), Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString()})
	if errors.Is(err, follow.ErrBadUpstream) {
		return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
	} else if err != nil {
		return err
	}
	h.cache, h.snap, h.c = snap, snap, c
	h.net = &network{target: t, follower: f}
	h.reg = f.Registry()
	return nil
}

// syncHead brings the followed registry's head up to date (the rules are
// follow.Follower.Sync's) and reports on stderr what the gateways did.
func (h *home) syncHead(c *cli.Context) error {
	s, err := h.net.follower.Sync(c.Context, c.Bool("refresh"))
	if err == nil || s.Cached { // else the error says what each source did
		for _, p := range s.Problems {
			warnf(c, "%s", oneLine(p.Error()))
		}
	}
	if err != nil {
		if errors.Is(err, registry.ErrNoHead) && !s.Cached {
			return withHint(err, "pass --gateway URL, or run 'svcreg remote add NAME "+h.net.target.Name.String()+" --gateway URL'")
		}
		return err
	}
	switch {
	case s.Stale == nil:
	case errors.Is(s.Stale, registry.ErrRollback):
		warnf(c, "the gateways serve an older state than this home's seq %d (svcreg push sends it)", s.Head.Seq)
	default:
		warnf(c, "no gateway answered; using the cached state, seq %d", s.Head.Seq)
	}
	return nil
}

// readBlocks returns the blocks the registry reads: the local store, or
// for a followed registry the store backed by its gateways.
func (h *home) readBlocks() registry.Blocks {
	if h.net != nil {
		return h.net.follower.Blocks()
	}
	return h.blocks
}
