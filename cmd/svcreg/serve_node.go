package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
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

// serveNode wires the node that runs beside the server: the registries
// followed (--follow and the config's "follow" list, from --upstream or
// the remote's gateways), the own
// registry when the home holds its key (re-signed when due), and the
// replicas of config.json.
func serveNode(c *cli.Context, h *home, mirror follow.Mirror, logger *slog.Logger) (*follow.Node, error) {
	node := &follow.Node{Mirror: mirror, Logger: logger}
	index := bolt.NewTransient(h.h.IndexPath(), nil)
	key, err := loadKey(h.dir)
	switch {
	case err == nil:
		node.Key = key
		if node.Own, err = follow.New(follow.Config{Name: key.RegistryName(), Own: true, Blocks: h.blocks, Index: index, Logger: logger}); err != nil {
			return nil, err
		}
	case !errors.Is(err, errNoKey):
		return nil, err
	}
	cfg, err := loadConfig(h.dir)
	if err != nil {
		return nil, err
	}
	if node.Replicas, err = cfg.replicas(); err != nil {
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
		f, err := follow.New(follow.Config{
			Name: t.Name, Blocks: h.blocks, Index: index, Gateways: t.Gateways, Timeout: c.Duration("timeout"),
			UserAgent: "svcreg/" + versionString(), Logger: logger,
		})
		if errors.Is(err, follow.ErrBadUpstream) {
			return nil, usageErr(err, "upstream URLs look like https://gateway.example or http://mirror-a:8080")
		} else if err != nil {
			return nil, err
		}
		if !f.Online() {
			return nil, usageErr(fmt.Errorf("--follow %s: no upstream", spec), "pass --upstream URL, or follow a remote that has gateways")
		}
		node.Follow = append(node.Follow, f)
	}
	return node, nil
}

// nodePaths are the node's own answers beside the gateway, GET /healthz
// and /metrics, which the gateway serves on the node's own host only.
func nodePaths(node *follow.Node, metrics *prometheus.Registry) map[string]http.Handler {
	health := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(node.Health())
	})
	return map[string]http.Handler{"/healthz": health, "/metrics": promhttp.HandlerFor(metrics, promhttp.HandlerOpts{})}
}
