package maint

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// checkResolutions checks every cached resolution against the manifest:
// an answer for another root than the head, or one the manifest does not
// give, is a problem (resolve would answer it); Repair drops the
// registry's cached answers. Answers that need blocks a followed registry
// never fetched are not judged.
func checkResolutions(ctx context.Context, opt CheckOptions, heads []registry.Head, rep *Report) error {
	if !fileExists(opt.IndexPath) {
		return nil
	}
	idx, err := bolt.Open(opt.IndexPath, &bolt.Options{ReadOnly: !opt.Repair})
	if err != nil {
		return err
	}
	defer idx.Close()
	for _, hd := range heads {
		bad, err := badResolutions(ctx, idx, opt.Blocks, hd)
		if err != nil {
			return err
		}
		if len(bad) == 0 {
			continue
		}
		if opt.Repair {
			if err := idx.DropResolutions(ctx, hd.Name); err != nil {
				return err
			}
			rep.repaired("registry %s: cached resolutions dropped (%d were wrong)", hd.Name, len(bad))
			continue
		}
		for _, b := range bad {
			rep.problem("registry %s: cached resolution: %s", hd.Name, b)
		}
	}
	return nil
}

// badResolutions returns what is wrong with the answers cached for hd.
func badResolutions(ctx context.Context, idx *bolt.Index, blocks registry.Blocks, hd registry.Head) ([]string, error) {
	cached, err := idx.Resolutions(ctx, hd.Name)
	if err != nil {
		return nil, err
	}
	if len(cached) == 0 {
		return nil, nil
	}
	reg, err := registry.New(registry.Config{Name: hd.Name, Blocks: blocks, Index: fixedHead{hd}})
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, r := range cached {
		if why, ok := badResolution(ctx, reg, hd, r); !ok {
			bad = append(bad, why)
		}
	}
	return bad, nil
}

// badResolution checks one cached answer against the manifest of hd and
// says what is wrong with it.
func badResolution(ctx context.Context, reg *registry.Registry, hd registry.Head, r bolt.CachedResolution) (string, bool) {
	if r.Damaged != nil {
		return fmt.Sprintf("%q fails its check (%v)", r.Query, r.Damaged), false
	}
	if !r.Root.Equals(hd.Root) {
		return fmt.Sprintf("%q is cached for %s, not the head %s", r.Query, r.Root, hd.Root), false
	}
	spec, err := manifest.ParseSpec(r.Query)
	if err != nil {
		return fmt.Sprintf("%q is not a spec", r.Query), false
	}
	info, err := reg.Info(ctx, spec)
	switch {
	case errors.Is(err, registry.ErrBlockNotFound):
		return "", true // not mirrored here: nothing to compare with
	case err != nil:
		return fmt.Sprintf("%q is cached as %s@%s, but the manifest says: %v", r.Query, r.Service, r.Version, err), false
	case info.Service != r.Service || info.Version.String() != r.Version.String() || !info.Release.Content.Equals(r.CID):
		return fmt.Sprintf("%q is cached as %s@%s %s, the manifest says %s@%s %s",
			r.Query, r.Service, r.Version, r.CID, info.Service, info.Version, info.Release.Content), false
	}
	return "", true
}

// fixedHead is a registry.Index that knows one head and caches nothing:
// Check resolves from the manifest with it.
type fixedHead struct{ h registry.Head }

var _ registry.Index = fixedHead{}

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
