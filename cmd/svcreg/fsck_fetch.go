package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/remote"
)

// fsckFetch refetches the blocks a walk found missing or corrupt, for
// each registry from its remote's gateways (config.json) and --gateway,
// through the registry's Fetcher: each block is checked before it is
// stored, and a corrupt copy is replaced. No index lock is held: the
// fetcher's block reads never touch the index.
// It returns how many blocks it fetched.
func fsckFetch(c *cli.Context, h *home, regs []*fsckRegistry, rep *fsckReport) int {
	cfg, err := loadConfig(h.dir)
	if err != nil {
		rep.Notes = append(rep.Notes, fmt.Sprintf("config: %v", err))
		cfg = &config{}
	}
	total := 0
	for _, r := range regs {
		if len(r.problems) == 0 {
			continue
		}
		urls := slices.Clone(c.StringSlice("gateway"))
		for _, rc := range cfg.Remotes {
			if rc.Registry == r.Name {
				urls = append(urls, rc.Gateways...)
			}
		}
		if len(urls) == 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("registry %s: no gateway to fetch %d blocks from (--gateway URL)", r.Name, len(r.problems)))
			continue
		}
		f, err := fsckFetcher(c, h, r.Name, urls)
		if err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("registry %s: %v", r.Name, err))
			continue
		}
		fetched := 0
		for blk := range r.problems {
			if _, err := f.Blocks().Get(c.Context, blk); err != nil {
				if isAny(err, registry.ErrUnavailable, registry.ErrUnreachable) {
					rep.network = true
				}
				rep.Notes = append(rep.Notes, fmt.Sprintf("registry %s: %v", r.Name, err))
				continue
			}
			fetched++
		}
		if fetched > 0 {
			rep.Repaired = append(rep.Repaired, fmt.Sprintf("registry %s: %d blocks fetched", r.Name, fetched))
		}
		total += fetched
	}
	return total
}

func fsckFetcher(c *cli.Context, h *home, name string, urls []string) (*registry.Fetcher, error) {
	var sources []registry.Source
	for _, u := range urls {
		g, err := remote.New(u, &remote.Options{Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString()})
		if err != nil {
			return nil, usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
		}
		sources = append(sources, g)
	}
	return registry.NewFetcher(registry.FetcherConfig{
		Name: name, Blocks: h.blocks, Sources: sources, Verifier: follow.Verifier{},
		Cache: bolt.NewTransient(filepath.Join(h.dir, indexFile), nil), // unused by block reads
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}

// removeFile removes p; a file already gone is no error.
func removeFile(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
