package registry

import (
	"context"
	"fmt"
	"path"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Resolve answers spec at the current head: from the cache when this head
// answered it before, else from the manifest (and caches the answer,
// unless it is a yanked version named exactly: see Resolution).
func (r *Registry) Resolve(ctx context.Context, spec manifest.Spec) (Resolution, error) {
	h, err := r.Head(ctx)
	if err != nil {
		return Resolution{}, err
	}
	if res, ok, err := r.cache.Resolution(ctx, r.name, h.Root, spec.String()); err != nil {
		return Resolution{}, err
	} else if ok {
		return res, nil
	}
	info, err := r.resolveAt(ctx, h, spec)
	if err != nil {
		return Resolution{}, err
	}
	res := Resolution{Service: string(info.Service), Version: info.Version.String(), CID: info.Release.Content}
	if y := info.Release.Yank; y != nil {
		// Not cached: whoever resolves it again must hear that it is yanked.
		res.Yanked, res.YankReason = true, y.Reason
		return res, nil
	}
	if err := r.cache.PutResolution(ctx, r.name, h.Root, spec.String(), res); err != nil {
		r.log.Warn("cache resolution", "spec", spec.String(), "err", err)
	}
	return res, nil
}

// ReleaseInfo describes one release as of a manifest state.
type ReleaseInfo struct {
	Service manifest.Name
	Version manifest.Version
	Release manifest.Release
	Root    cid.Cid // the manifest root the answer comes from
	Seq     uint64
	// Path is where a stock IPFS gateway serves the release's files, under
	// /ipns/<registry name>/.
	Path string
}

// Info resolves spec from the manifest (never the cache) with full details.
func (r *Registry) Info(ctx context.Context, spec manifest.Spec) (ReleaseInfo, error) {
	h, err := r.Head(ctx)
	if err != nil {
		return ReleaseInfo{}, err
	}
	return r.resolveAt(ctx, h, spec)
}

func (r *Registry) resolveAt(ctx context.Context, h Head, spec manifest.Spec) (ReleaseInfo, error) {
	m, err := r.loadManifest(ctx, r.blocks.Get, h.Root)
	if err != nil {
		return ReleaseInfo{}, err
	}
	svc, keys, err := lookup(ctx, loader(r.blocks.Get), m.Services, string(spec.Name))
	if err != nil {
		return ReleaseInfo{}, err
	}
	if !svc.Defined() {
		return ReleaseInfo{}, fmt.Errorf("%w: %s in %s", ErrServiceNotFound, spec.Name, r.name)
	}
	s, err := loadService(ctx, r.blocks.Get, svc, string(spec.Name))
	if err != nil {
		return ReleaseInfo{}, err
	}
	if s.Sharded() {
		// Read only what the answer needs: one version, or for ranges the
		// latest does not answer, all of them.
		want, all := s.Needs(spec)
		if all {
			_, err = loadAllVersions(ctx, r.blocks.Get, s)
		} else {
			_, err = loadVersions(ctx, r.blocks.Get, s, want)
		}
		if err != nil {
			return ReleaseInfo{}, err
		}
	}
	v, rel, err := s.Resolve(spec)
	if err != nil {
		return ReleaseInfo{}, err
	}
	vkeys, err := versionKeys(ctx, r.blocks.Get, s, v.String())
	if err != nil {
		return ReleaseInfo{}, err
	}
	p := path.Join(append([]string{"/ipns", r.name, "services"}, keys...)...)
	p = path.Join(append(append([]string{p, "versions"}, vkeys...), v.String(), "content")...) + "/"
	return ReleaseInfo{Service: s.Name, Version: v, Release: rel, Root: h.Root, Seq: h.Seq, Path: p}, nil
}

// versionKeys returns the shard keys on the way to version in a sharded
// service's VersionIndex (none for an inline one), for gateway paths.
func versionKeys(ctx context.Context, get getFunc, s *manifest.Service, version string) ([]string, error) {
	if !s.Sharded() {
		return nil, nil
	}
	_, _, _, keys, err := versionTree{get: get}.lookup(ctx, s.VersionIndex, version)
	return keys, err
}
