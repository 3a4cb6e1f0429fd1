package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/remote"
)

// checkedDir holds, per followed registry, an empty file whose mtime is
// when the gateways were last asked for its record successfully.
const checkedDir = "checked"

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
	name     string   // the registry's IPNS name (k51…)
	remote   string   // the remote's NAME, when it came from the config
	gateways []string // where to fetch from
	own      bool     // the home holds its key
}

// network is the fetch side of an opened home.
type network struct {
	target
	fetcher  *registry.Fetcher
	gateways []*remote.Gateway // nil offline
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
		t.own = key != nil && key.Name() == t.name
		return t
	}
	if reg == "" && key != nil {
		return target{name: key.Name(), gateways: gws, own: true}, nil
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		return target{}, err
	}
	if reg == "" && cfg.Default == "" {
		// A home filled by 'svcreg import': its one registry is the default.
		name, err := onlyHead(c, dir)
		if err != nil || name == "" {
			return target{}, err
		}
		return own(target{name: name, gateways: gws}), nil
	}
	if reg == "" {
		reg = cfg.Default
	}
	if r, ok := cfg.Remotes[reg]; ok {
		if len(gws) == 0 {
			gws = r.Gateways
		}
		return own(target{name: r.Registry, remote: reg, gateways: gws}), nil
	}
	name, err := resolveRegistry(c, reg) // a k51… name, or a domain with DNSLink
	var ce *cliError
	if errors.As(err, &ce) {
		return target{}, err
	} else if err != nil {
		return target{}, withHint(fmt.Errorf("--registry %q is neither a remote nor a registry name: %w", reg, err),
			"pass a k51… name, a domain with a DNSLink record, or the NAME of a remote ('svcreg remote ls')")
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
	// A client waits on gateways between index operations: hold the
	// index's file lock only for each operation.
	h.cache = bolt.NewTransient(filepath.Join(h.dir, indexFile), h.indexOptions())
	n := &network{target: t}
	var sources []registry.Source
	if !h.offline(c, t.gateways) {
		for _, u := range t.gateways {
			g, err := remote.New(u, &remote.Options{Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString()})
			if err != nil {
				return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
			}
			n.gateways = append(n.gateways, g)
			sources = append(sources, g)
		}
	}
	n.fetcher, err = registry.NewFetcher(registry.FetcherConfig{
		Name: t.name, Blocks: h.blocks, Cache: h.cache, Sources: sources, Verifier: recordVerifier{},
	})
	if err != nil {
		return err
	}
	h.net = n
	if h.reg, err = registry.New(registry.Config{Name: t.name, Blocks: n.fetcher.Blocks(), Cache: h.cache}); err != nil {
		return err
	}
	if refresh {
		return h.syncHead(c)
	}
	return nil
}

// syncHead brings the followed registry's head up to date: it asks the
// gateways unless --offline, or the cached record was checked less than
// its TTL ago (and --refresh is not set). When the gateways cannot be
// reached but a head is cached, it answers from the cache with a warning.
func (h *home) syncHead(c *cli.Context) error {
	n := h.net
	head, err := h.cache.Head(c.Context, n.name)
	if err != nil && !errors.Is(err, registry.ErrNoHead) {
		return err
	}
	cached := err == nil
	switch {
	case c.Bool("offline") && !cached:
		return withHint(fmt.Errorf("%s: %w", n.name, registry.ErrOffline), "run without --offline to fetch it from the gateways")
	case len(n.gateways) == 0 && !cached:
		return withHint(fmt.Errorf("%w: %s is not cached here and no gateway is configured", registry.ErrNoHead, n.name),
			"pass --gateway URL, or run 'svcreg remote add NAME "+n.name+" --gateway URL'")
	case len(n.gateways) == 0, !c.Bool("refresh") && h.fresh(head):
		return nil
	}
	r, err := n.fetcher.Refresh(c.Context)
	if err == nil || cached { // else the error says what each source did
		for _, p := range r.Problems {
			warnf(c, "%s", oneLine(p.Error()))
		}
	}
	switch {
	case err == nil:
	case cached && isAny(err, registry.ErrUnavailable):
		warnf(c, "no gateway answered; using the cached state, seq %d", head.Seq)
		return nil
	case n.own && errors.Is(err, registry.ErrRollback):
		// This home made the newer state: the gateways have not caught up.
		warnf(c, "the gateways serve an older state than this home's seq %d (svcreg push sends it)", head.Seq)
		return nil
	default:
		return err
	}
	h.markChecked()
	return nil
}

// fresh reports whether the cached head's record was confirmed by a
// gateway less than its TTL ago and is still valid.
func (h *home) fresh(head registry.Head) bool {
	fi, err := os.Stat(filepath.Join(h.dir, checkedDir, h.net.name))
	if err != nil {
		return false
	}
	rec, err := ipns.Verify(head.Name, head.Record, time.Time{})
	return err == nil && time.Since(fi.ModTime()) < rec.TTL
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

// markChecked records that the gateways were asked just now.
func (h *home) markChecked() {
	if h.readOnly {
		return
	}
	dir := filepath.Join(h.dir, checkedDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return
	}
	p := filepath.Join(dir, h.net.name)
	now := time.Now()
	if err := os.Chtimes(p, now, now); err != nil {
		if f, err := os.Create(p); err == nil {
			f.Close()
		}
	}
}

// readBlocks returns the blocks the registry reads: the local store, or
// for a followed registry the store backed by its gateways.
func (h *home) readBlocks() registry.Blocks {
	if h.net != nil {
		return h.net.fetcher.Blocks()
	}
	return h.blocks
}

// online reports whether blocks may be fetched from gateways.
func (h *home) online() bool { return h.net != nil && len(h.net.gateways) > 0 }

// recordVerifier is registry.RecordVerifier on registry/ipns.
type recordVerifier struct{}

func (recordVerifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Time{})
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}
