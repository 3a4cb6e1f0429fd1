package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// resolveArgs is a command line the fast path can answer.
type resolveArgs struct {
	spec string
	home string
	json bool
}

// parseResolve accepts exactly `resolve SPEC` with --json and --home in
// any position (the same forms svcreg-core accepts). Anything else —
// other commands, other flags, help — goes to svcreg-core.
func parseResolve(args []string) (resolveArgs, bool) {
	var a resolveArgs
	var pos []string
	for i := 0; i < len(args); i++ {
		switch t := args[i]; {
		case t == "--json" || t == "-json":
			a.json = true
		case t == "--home" || t == "-home":
			if i+1 >= len(args) {
				return a, false
			}
			i++
			a.home = args[i]
		case strings.HasPrefix(t, "--home=") || strings.HasPrefix(t, "-home="):
			a.home = t[strings.Index(t, "=")+1:]
		case strings.HasPrefix(t, "-"):
			return a, false
		default:
			pos = append(pos, t)
		}
	}
	if len(pos) != 2 || pos[0] != "resolve" || a.home == "" && os.Getenv("SVCREG_HOME") == "" && homeFallback() == "" {
		return a, false
	}
	a.spec = pos[1]
	return a, true
}

func homeFallback() string {
	u, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(u, ".svcreg")
}

// fastResolve answers `svcreg resolve SPEC` from the resolution the index
// cached for the registry's current head. It reports false — and
// svcreg-core takes over — whenever it cannot answer with certainty: no
// cached answer, a locked or missing index, a home that follows other
// registries, any error.
func fastResolve(args []string, stdout io.Writer) (int, bool) {
	a, ok := parseResolve(args)
	if !ok {
		return 0, false
	}
	home := a.home
	if home == "" {
		if home = os.Getenv("SVCREG_HOME"); home == "" {
			home = homeFallback()
		}
	}
	res, ok := cached(home, a.spec)
	if !ok {
		return 0, false
	}
	if a.json {
		// The same shape and order as svcreg-core's `resolve --json`.
		// Cached answers are never yanked (registry.Resolution).
		out, _ := json.MarshalIndent(struct {
			Service    string `json:"service"`
			Version    string `json:"version"`
			CID        string `json:"cid"`
			Yanked     bool   `json:"yanked"`
			YankReason string `json:"yank_reason"`
		}{res.service, res.version, res.cid, false, ""}, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
	} else {
		fmt.Fprintln(stdout, res.cid)
	}
	return 0, true
}

type answer struct{ service, version, cid string }

func cached(home, specArg string) (answer, bool) {
	if _, err := os.Stat(filepath.Join(home, "config.json")); err == nil {
		return answer{}, false // remotes configured: the core picks the registry
	}
	keyBytes, err := os.ReadFile(filepath.Join(home, "key"))
	if err != nil {
		return answer{}, false
	}
	name, err := ipnsname.FromKeyFile(keyBytes)
	if err != nil {
		return answer{}, false
	}
	spec, err := manifest.ParseSpec(specArg)
	if err != nil {
		return answer{}, false
	}
	cache, err := bolt.Open(filepath.Join(home, "index.db"), &bolt.Options{ReadOnly: true, Timeout: 20 * time.Millisecond})
	if err != nil {
		return answer{}, false
	}
	defer cache.Close()
	ctx := context.Background()
	h, err := cache.Head(ctx, name)
	if err != nil {
		return answer{}, false
	}
	r, ok, err := cache.Resolution(ctx, name, h.Root, spec.String())
	if err != nil || !ok {
		return answer{}, false
	}
	return answer{service: r.Service, version: r.Version, cid: r.CID.String()}, true
}
