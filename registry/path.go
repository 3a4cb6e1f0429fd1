package registry

import (
	"context"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// ReleasePath returns the blocks that lead from the head to the release
// name@v, in order: the manifest root, the index nodes on the way, the
// service's block and, for a large service, the VersionIndex nodes on
// the way to v. With them, a reader can resolve name@v at this head (and
// name, or name@TAG, when they name v); with the release's content, it
// can fetch it too. It wraps ErrServiceNotFound or
// manifest.ErrVersionNotFound when there is no such release.
func (r *Registry) ReleasePath(ctx context.Context, name manifest.Name, v manifest.Version) ([]cid.Cid, error) {
	h, m, err := r.Manifest(ctx)
	if err != nil {
		return nil, err
	}
	path := []cid.Cid{h.Root}
	load := func(ctx context.Context, c cid.Cid) (manifest.Index, error) {
		path = append(path, c)
		return loadIndex(ctx, r.blocks.Get, c)
	}
	s, svc, _, err := findService(ctx, r.blocks.Get, load, m.Services, name, r.name)
	if err != nil {
		return nil, err
	}
	path = append(path, svc)
	if !s.Sharded() {
		if _, ok := s.Releases[v.String()]; !ok {
			return nil, fmt.Errorf("%w: %s@%s in %s", manifest.ErrVersionNotFound, name, v, r.name)
		}
		return path, nil
	}
	_, ok, nodes, _, err := versionReader(r.blocks.Get).lookup(ctx, s.VersionIndex, v.String())
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s@%s in %s", manifest.ErrVersionNotFound, name, v, r.name)
	}
	return append(path, nodes...), nil
}
