package main

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// serveLogger returns the server's logger: text or JSON lines on stderr.
func serveLogger(c *cli.Context) (*slog.Logger, error) {
	level := slog.LevelInfo
	if c.Bool("verbose") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.String("log") {
	case "", "text":
		return slog.New(slog.NewTextHandler(c.App.ErrWriter, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(c.App.ErrWriter, opts)), nil
	}
	return nil, usageErr(fmt.Errorf("--log %q: want text or json", c.String("log")), "--log text|json")
}

// serveNode wires the node that runs beside the server (follow.NewNode):
// the own registry when the home holds its key (re-signed when due), the
// replicas of config.json, and the registries followed (--follow and the
// config's "follow" list, read from --upstream or the remote's gateways).
func serveNode(c *cli.Context, h *home, cfg *svchome.Config, nc follow.NodeConfig) (*follow.Node, error) {
	nc.Blocks, nc.Index = h.blocks, bolt.NewTransient(h.h.IndexPath(), nil)
	nc.Timeout, nc.UserAgent = c.Duration("timeout"), "svcreg/"+versionString()
	key, err := h.h.Key()
	if err == nil {
		nc.Key = key
	} else if !errors.Is(err, svchome.ErrNoKey) {
		return nil, err
	}
	if nc.Replicas, err = cfg.ReplicaList(); err != nil {
		return nil, err
	}
	targets, err := newTargets(c, h.dir, c.StringSlice("upstream"))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, spec := range append(c.StringSlice("follow"), cfg.Follow...) {
		if seen[spec] {
			continue
		}
		seen[spec] = true
		if spec == "" {
			return nil, usageErr(errors.New("--follow: empty"), "pass a k51… name, a domain with a DNSLink record, or the NAME of a remote ('svcreg remote ls')")
		}
		t, err := targets.Resolve(c.Context, spec) // as --registry: a remote's NAME, a k51… name, a domain with DNSLink
		if err != nil {
			return nil, targetErr(err, "--follow", h.dir)
		}
		if len(t.Gateways) == 0 {
			return nil, usageErr(fmt.Errorf("--follow %s: no upstream", spec), "pass --upstream URL, or follow a remote that has gateways")
		}
		nc.Follow = append(nc.Follow, t)
	}
	node, err := follow.NewNode(nc)
	if errors.Is(err, follow.ErrBadUpstream) {
		return nil, usageErr(err, "upstream URLs look like https://gateway.example or http://mirror-a:8080")
	}
	return node, err
}
