package registry

import (
	"context"
	"errors"
	"path"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Resolve answers spec at the current head: from the cache when this head
// answered it before, else from the manifest (and caches the answer,
// unless it is a yanked version named exactly: see Resolution). A cached
// answer that fails its check is not used: the answer comes from the
// manifest, with Resolution.Damaged set.
func (r *Registry) Resolve(ctx context.Context, spec manifest.Spec) (Resolution, error) {
	h, err := r.Head(ctx)
	if err != nil {
		return Resolution{}, err
	}
	res, ok, damaged := r.cachedResolution(ctx, h, spec)
	if ok {
		return res, nil
	}
	if damaged != nil && !errors.Is(damaged, ErrDamagedResolution) {
		return Resolution{}, damaged
	}
	info, err := r.resolveAt(ctx, h, spec)
	if err != nil {
		return Resolution{}, err
	}
	res = info.Resolution()
	res.Damaged = damaged
	if res.Yanked {
		// Not cached: whoever resolves it again must hear that it is yanked.
		return res, nil
	}
	if err := r.cache.PutResolution(ctx, r.name, h.Root, spec.String(), res); err != nil {
		r.log.Warn("cache resolution", "spec", spec.String(), "err", err)
	}
	return res, nil
}

// cachedResolution returns the answer the cache holds for spec at h, or
// the cache's error; a damaged answer is logged.
func (r *Registry) cachedResolution(ctx context.Context, h Head, spec manifest.Spec) (Resolution, bool, error) {
	res, ok, err := r.cache.Resolution(ctx, r.name, h.Root, spec.String())
	if errors.Is(err, ErrDamagedResolution) {
		r.log.Warn("cached resolution damaged", "spec", spec.String(), "err", err)
	}
	return res, ok && err == nil, err
}

// ReleaseInfo describes one release as of a manifest state.
type ReleaseInfo struct {
	Registry string // the registry's IPNS name (k51…)
	Service  manifest.Name
	Version  manifest.Version
	Release  manifest.Release
	Root     cid.Cid // the manifest root the answer comes from
	Seq      uint64
	// Path is where a stock IPFS gateway serves the release's files, under
	// /ipns/<registry name>/.
	Path string
}

// Resolution returns the answer i gives: its release's service, version,
// content and yank state.
func (i ReleaseInfo) Resolution() Resolution {
	res := Resolution{Service: i.Service, Version: i.Version, CID: i.Release.Content}
	if y := i.Release.Yank; y != nil {
		res.Yanked, res.YankReason = true, y.Reason
	}
	return res
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
	s, _, keys, err := findService(ctx, r.blocks.Get, loader(r.blocks.Get), m.Services, spec.Name, r.name)
	if err != nil {
		return ReleaseInfo{}, err
	}
	t := versionTree(r.blocks.Get, nil, 0, map[cid.Cid]manifest.VersionNode{})
	loaded, err := loadForSpec(ctx, t, s, spec)
	if err != nil {
		return ReleaseInfo{}, err
	}
	v, rel, err := s.Resolve(spec)
	if err != nil {
		return ReleaseInfo{}, err
	}
	vkeys, ok := loaded[v.String()]
	if !ok && s.Sharded() { // every version was read: find the way to this one
		if _, _, _, vkeys, err = t.lookup(ctx, s.VersionIndex, v.String()); err != nil {
			return ReleaseInfo{}, err
		}
	}
	p := path.Join(append([]string{"/ipns", r.name, "services"}, keys...)...)
	p = path.Join(append(append([]string{p, "versions"}, vkeys...), v.String(), "content")...) + "/"
	return ReleaseInfo{Registry: r.name, Service: s.Name, Version: v, Release: rel, Root: h.Root, Seq: h.Seq, Path: p}, nil
}

// loadForSpec loads into a sharded service what resolving spec reads (see
// manifest.Service.Needs): one version, returned with the shard keys on
// its way (for the gateway path), or every version.
func loadForSpec(ctx context.Context, t shardTree[manifest.Release], s *manifest.Service, spec manifest.Spec) (map[string][]string, error) {
	keys := map[string][]string{}
	if !s.Sharded() {
		return keys, nil
	}
	want, all := s.Needs(spec)
	if all {
		_, err := loadAllVersions(ctx, t, s)
		return keys, err
	}
	if want == "" {
		return keys, nil
	}
	rel, ok, _, k, err := t.lookup(ctx, s.VersionIndex, want)
	if ok {
		s.Releases[want], keys[want] = rel, k
	}
	return keys, err
}
