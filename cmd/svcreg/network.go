package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/remote"
)

// targetFlags pick the registry a command works on and where its data may
// come from.
func targetFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "registry", Usage: "the registry: a k51… name or a remote's NAME (default: this home's own, else the default remote)"},
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

// target is the registry a command works on.
type target struct {
	name     ipnsrec.Name // the registry, parsed once here
	remote   string       // the remote's NAME, when it came from the config
	gateways []string     // where to fetch from
	own      bool         // the home holds its key
}

// network is the fetch side of an opened home: the library's follower
// of the registry.
type network struct {
	target
	follower *follow.Follower
}

// selectTarget decides which registry the command is about: --registry
// (a remote's NAME or a k51… name), else the home's own registry, else
// the config's default remote.
func selectTarget(c *cli.Context, dir string) (target, error) {
	reg, gws := c.String("registry"), c.StringSlice("gateway")
	key, err := loadKey(dir)
	if err != nil && !errors.Is(err, errNoKey) {
		return target{}, err
	}
	own := func(t target) target {
		t.own = key != nil && key.Name() == t.name.String()
		return t
	}
	if reg == "" && key != nil {
		name, err := ipns.ParseRegistryName(key.Name())
		return target{name: name, gateways: gws, own: true}, err
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		return target{}, err
	}
	if reg == "" && cfg.Default == "" {
		// A home filled by 'svcreg import': its one registry is the default.
		s, err := onlyHead(c, dir)
		if err != nil || s == "" {
			return target{}, err
		}
		name, err := ipns.ParseRegistryName(s)
		return own(target{name: name, gateways: gws}), err
	}
	if reg == "" {
		reg = cfg.Default
	}
	if r, ok := cfg.Remotes[reg]; ok {
		if len(gws) == 0 {
			gws = r.Gateways
		}
		name, err := ipns.ParseRegistryName(r.Registry)
		if err != nil {
			return target{}, err
		}
		return own(target{name: name, remote: reg, gateways: gws}), nil
	}
	s, err := resolveRegistry(c, reg) // a k51… name, or a domain with DNSLink
	var ce *cliError
	if errors.As(err, &ce) {
		return target{}, err
	} else if err != nil {
		return target{}, withHint(fmt.Errorf("--registry %q is neither a remote nor a registry name: %w", reg, err),
			"pass a k51… name, a domain with a DNSLink record, or the NAME of a remote ('svcreg remote ls')")
	}
	name, err := ipns.ParseRegistryName(s)
	if err != nil {
		return target{}, err
	}
	return own(target{name: name, gateways: gws}), nil
}

// onlyHead returns the registry whose head the home's index holds when
// it holds exactly one, for a home without a key or default remote.
// Otherwise it fails with errNoKey, saying what it found.
func onlyHead(c *cli.Context, dir string) (string, error) {
	var names []string
	if _, err := os.Stat(filepath.Join(dir, indexFile)); err == nil {
		ix, err := bolt.Open(filepath.Join(dir, indexFile), &bolt.Options{ReadOnly: true})
		if err != nil {
			return "", err
		}
		names, err = ix.Names(c.Context)
		ix.Close()
		if err != nil {
			return "", err
		}
	}
	switch len(names) {
	case 1:
		return names[0], nil
	case 0:
		return "", fmt.Errorf("%w in %s, no default remote, and no registry's state", errNoKey, dir)
	}
	return "", withHint(fmt.Errorf("%w in %s and no default remote, but the states of %d registries: %s", errNoKey, dir, len(names), strings.Join(names, ", ")),
		"name one with --registry k51…, or make one the default with 'svcreg remote add NAME k51… --default'")
}

// openTarget opens the home for the selected registry. Without gateways
// (or with --offline) only the local store answers; with them, blocks
// missing here are fetched, verified and kept. With refresh, the head is
// brought up to date first (see syncHead).
func openTarget(c *cli.Context, refresh bool) (*home, error) {
	h, err := openBlocks(c)
	if err != nil {
		return nil, err
	}
	if err := h.openTarget(c, refresh); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

func (h *home) openTarget(c *cli.Context, refresh bool) error {
	if c.String("registry") == "" && len(c.StringSlice("gateway")) == 0 {
		// A registry of one's own, read locally: the common, fast path.
		if err := h.open(c, false); !errors.Is(err, errNoKey) {
			return err
		}
	}
	t, err := selectTarget(c, h.dir)
	if err != nil {
		return err
	}
	if t.own && len(t.gateways) == 0 {
		return h.open(c, false)
	}
	if err := h.follow(c, t); err != nil {
		return err
	}
	if refresh {
		return h.syncHead(c)
	}
	return nil
}

// follow wires the home to follow t through the library's Follower. A
// follower waits on gateways between index operations, so the index's
// file lock is held only for each operation.
func (h *home) follow(c *cli.Context, t target) error {
	if h.cache != nil {
		h.cache.Close()
	}
	tr := bolt.NewTransient(filepath.Join(h.dir, indexFile), h.indexOptions())
	h.cache = tr
	f, err := follow.New(follow.Config{
		Name: t.name, Own: t.own, Blocks: h.blocks, Index: tr,
		Gateways: t.gateways, Offline: h.offline(c, t.gateways), Timeout: c.Duration("timeout"),
		UserAgent: "svcreg/" + versionString(),
	})
	if errors.Is(err, follow.ErrBadUpstream) {
		return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
	} else if err != nil {
		return err
	}
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
		if errors.Is(err, registry.ErrOffline) {
			return withHint(err, "run without --offline to fetch it from the gateways")
		}
		if errors.Is(err, registry.ErrNoHead) && !s.Cached {
			return withHint(err, "pass --gateway URL, or run 'svcreg remote add NAME "+h.net.name.String()+" --gateway URL'")
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

// offline reports whether gateways may not be asked: --offline, or a
// read-only home, which could keep nothing they send (it says so when
// there are gateways to ask).
func (h *home) offline(c *cli.Context, gateways []string) bool {
	if c.Bool("offline") {
		return true
	}
	if h.readOnly && len(gateways) > 0 {
		warnf(c, "%s is read-only: answering from what it holds, as with --offline", h.dir)
	}
	return h.readOnly
}

// readBlocks returns the blocks the registry reads: the local store, or
// for a followed registry the store backed by its gateways.
func (h *home) readBlocks() registry.Blocks {
	if h.net != nil {
		return h.net.follower.Blocks()
	}
	return h.blocks
}

// online reports whether blocks may be fetched from gateways.
func (h *home) online() bool { return h.net != nil && h.net.follower.Online() }
