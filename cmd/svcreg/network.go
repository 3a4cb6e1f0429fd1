package main

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
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

// followOptions are the follower's settings from the flags.
func followOptions(c *cli.Context) svchome.FollowOptions {
	return svchome.FollowOptions{Offline: c.Bool("offline"), Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString()}
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

// openTarget opens the registry the command reads (svchome.OpenTarget):
// with sync, a followed registry's head is brought up to date first, and
// what the gateways did is reported on stderr.
func openTarget(c *cli.Context, sync bool) (*home, error) {
	return openSession(c, svchome.ReadOptions{Sync: sync})
}

// openSession is openTarget with ro, whose Registry, Target, Follow and
// Refresh come from the flags.
func openSession(c *cli.Context, ro svchome.ReadOptions) (*home, error) {
	dir, o, err := homeArgs(c)
	if err != nil {
		return nil, err
	}
	ro.Registry, ro.Follow, ro.Refresh = c.String("registry"), followOptions(c), c.Bool("refresh")
	ro.Target = target.Config{DNSLink: dnsLinkConfig(c), Gateways: c.StringSlice("gateway")}
	s, err := svchome.OpenTarget(c.Context, dir, o, ro)
	var se *svchome.SyncError
	if errors.As(err, &se) {
		warnReadOnly(c, dir, se.Target)
		return nil, syncErr(c, se.Target, se.Synced, se.Err)
	} else if err != nil {
		return nil, followErr(targetErr(err, "--registry", dir))
	}
	warnReadOnly(c, dir, s.Target)
	return &home{Session: s, c: c}, syncErr(c, s.Target, s.Synced, nil)
}

// followErr gives a bad gateway URL its exit code and hint.
func followErr(err error) error {
	if errors.Is(err, follow.ErrBadUpstream) {
		return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
	}
	return err
}

// warnReadOnly says that a read-only home asks no gateway.
func warnReadOnly(c *cli.Context, dir string, t target.Target) {
	if readOnlyHome(dir) && !c.Bool("offline") && len(t.Gateways) > 0 {
		warnf(c, "%s is read-only: answering from what it holds, as with --offline", dir)
	}
}

// syncErr reports on stderr what the gateways did in a sync of t
// (follow.Follower.Sync), and gives err, the sync's error, its hint.
func syncErr(c *cli.Context, t target.Target, s follow.Sync, err error) error {
	if err == nil || s.Cached { // else the error says what each source did
		warnProblems(c, s.Problems)
	}
	if err != nil {
		if errors.Is(err, registry.ErrNoHead) && !s.Cached {
			return withHint(err, "pass --gateway URL, or run 'svcreg remote add NAME "+t.Name.String()+" --gateway URL'")
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

// makeLocal makes the DAG under root complete in the home (Session.MakeLocal),
// with progress on a terminal and the gateways that failed as warnings.
func (h *home) makeLocal(c *cli.Context, root cid.Cid) error {
	update, done := progress(c, "fetching")
	res, err := h.MakeLocal(c.Context, root, update)
	done()
	warnProblems(c, res.Problems)
	return err
}

// warnProblems prints the sources that failed as warnings.
func warnProblems(c *cli.Context, problems []registry.SourceError) {
	for _, p := range problems {
		warnf(c, "%s", oneLine(p.Error()))
	}
}

// warnf prints a warning on standard error.
func warnf(c *cli.Context, format string, args ...any) {
	fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", escapeControls(fmt.Sprintf(format, args...)))
}
