package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// fsckResolutions checks every cached resolution against the manifest:
// an answer for another root than the head, or one the manifest does not
// give, is a problem (resolve would answer it); --repair drops the
// registry's cached answers. Answers that need blocks a followed registry
// never fetched are not judged.
func fsckResolutions(c *cli.Context, h *home, heads []registry.Head, rep *fsckReport) error {
	path := filepath.Join(h.dir, indexFile)
	if !fileExists(path) {
		return nil
	}
	idx, err := bolt.Open(path, &bolt.Options{ReadOnly: !c.Bool("repair")})
	if err != nil {
		return err
	}
	defer idx.Close()
	for _, hd := range heads {
		bad, err := badResolutions(c.Context, idx, h.blocks, hd)
		if err != nil {
			return err
		}
		if len(bad) == 0 {
			continue
		}
		if c.Bool("repair") {
			if err := idx.DropResolutions(c.Context, hd.Name); err != nil {
				return err
			}
			rep.Repaired = append(rep.Repaired, fmt.Sprintf("registry %s: cached resolutions dropped (%d were wrong)", hd.Name, len(bad)))
			continue
		}
		for _, b := range bad {
			rep.problem("registry %s: cached resolution: %s", hd.Name, b)
		}
	}
	return nil
}

// badResolutions returns what is wrong with the answers cached for hd.
func badResolutions(ctx context.Context, idx *bolt.Cache, blocks registry.Blocks, hd registry.Head) ([]string, error) {
	cached, err := idx.Resolutions(ctx, hd.Name)
	if err != nil {
		return nil, err
	}
	if len(cached) == 0 {
		return nil, nil
	}
	reg, err := registry.New(registry.Config{Name: hd.Name, Blocks: blocks, Cache: fixedHead{hd}})
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, r := range cached {
		if r.Damaged != nil {
			bad = append(bad, fmt.Sprintf("%q fails its check (%v)", r.Query, r.Damaged))
			continue
		}
		if !r.Root.Equals(hd.Root) {
			bad = append(bad, fmt.Sprintf("%q is cached for %s, not the head %s", r.Query, r.Root, hd.Root))
			continue
		}
		spec, err := manifest.ParseSpec(r.Query)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%q is not a spec", r.Query))
			continue
		}
		info, err := reg.Info(ctx, spec)
		switch {
		case errors.Is(err, registry.ErrBlockNotFound):
			continue // not mirrored here: nothing to compare with
		case err != nil:
			bad = append(bad, fmt.Sprintf("%q is cached as %s@%s, but the manifest says: %v", r.Query, r.Service, r.Version, err))
		case string(info.Service) != r.Service || info.Version.String() != r.Version || !info.Release.Content.Equals(r.CID):
			bad = append(bad, fmt.Sprintf("%q is cached as %s@%s %s, the manifest says %s@%s %s",
				r.Query, r.Service, r.Version, r.CID, info.Service, info.Version, info.Release.Content))
		}
	}
	return bad, nil
}

// fixedHead is a registry.Cache that knows one head and caches nothing:
// fsck resolves from the manifest with it.
type fixedHead struct{ h registry.Head }

func (f fixedHead) Head(_ context.Context, name string) (registry.Head, error) {
	if name != f.h.Name {
		return registry.Head{}, registry.ErrNoHead
	}
	return f.h, nil
}

func (fixedHead) SwapHead(context.Context, uint64, registry.Head) error { return bolt.ErrReadOnly }
func (f fixedHead) Floor(context.Context, string) (uint64, error)       { return f.h.Seq, nil }
func (fixedHead) Resolution(context.Context, string, cid.Cid, string) (registry.Resolution, bool, error) {
	return registry.Resolution{}, false, nil
}
func (fixedHead) PutResolution(context.Context, string, cid.Cid, string, registry.Resolution) error {
	return nil
}
