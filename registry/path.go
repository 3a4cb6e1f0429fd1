package registry

import (
	"context"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// ServicePath returns the blocks that lead from the head to a service, in
// order: the manifest root, the index nodes on the way and the service's
// block. With them, a reader can resolve the service at this head; with
// its releases' content, it can fetch them too. It wraps
// ErrServiceNotFound when the service does not exist.
func (r *Registry) ServicePath(ctx context.Context, name manifest.Name) ([]cid.Cid, error) {
	h, m, err := r.Manifest(ctx)
	if err != nil {
		return nil, err
	}
	path := []cid.Cid{h.Root}
	load := func(ctx context.Context, c cid.Cid) (manifest.Index, error) {
		path = append(path, c)
		return loadIndex(ctx, r.blocks.Get, c)
	}
	svc, _, err := lookup(ctx, load, m.Services, string(name))
	if err != nil {
		return nil, err
	}
	if !svc.Defined() {
		return nil, fmt.Errorf("%w: %s in %s", ErrServiceNotFound, name, r.name)
	}
	if _, err := loadService(ctx, r.blocks.Get, svc, string(name)); err != nil {
		return nil, err
	}
	return append(path, svc), nil
}
