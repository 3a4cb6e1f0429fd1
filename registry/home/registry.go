package home

import (
	"context"
	"fmt"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Registry returns the home's own registry (its key's) for local reads:
// the index is opened read-only, and only a write (caching an answer)
// takes the index lock.
func (h *Home) Registry() (*registry.Registry, error) {
	key, err := h.Key()
	if err != nil {
		return nil, err
	}
	return registry.New(registry.Config{Name: key.Name(), Blocks: h.blocks, Index: h.Index()})
}

// Signing returns the home's own registry for changes, signed by its key
// with records valid for lifetime and cached for ttl (0: the defaults of
// ipns.Signer). It fails in a read-only home (ErrReadOnly), takes the
// block store's lease (Lease) and the index lock (Lock), which are held
// until Close.
func (h *Home) Signing(lifetime, ttl time.Duration) (*registry.Registry, error) {
	key, err := h.Key()
	if err != nil {
		return nil, err
	}
	if err := h.RequireWritable(); err != nil {
		return nil, err
	}
	if err := h.Lease(); err != nil {
		return nil, err
	}
	if h.HasIndex() {
		if _, err := h.Lock(); err != nil {
			return nil, err
		}
	}
	s := ipns.NewSigner(key)
	s.Lifetime, s.TTL = lifetime, ttl
	return registry.New(registry.Config{Name: key.Name(), Blocks: h.blocks, Index: h.Index(), Signer: s})
}

// Publish imports dir (as `ipfs add -r` does, leaving out what svcreg
// publish leaves out, and refusing a tree that holds a home or a key) and
// publishes it as service@version in the home's own registry.
func (h *Home) Publish(ctx context.Context, service manifest.Name, version manifest.Version, dir string) (registry.Head, registry.Publication, error) {
	reg, err := h.Signing(0, 0)
	if err != nil {
		return registry.Head{}, registry.Publication{}, err
	}
	res, err := unixfs.Import(ctx, h.blocks.Blockstore(), dir, unixfs.Options{Profile: unixfs.ProfileV1, SafeSymlinks: true, Homes: []string{h.dir}})
	if err != nil {
		return registry.Head{}, registry.Publication{}, fmt.Errorf("publish %s@%s: %w", service, version, err)
	}
	p := registry.Publication{Service: service, Version: version, Content: res.Root, Size: res.Size, Profile: unixfs.ProfileV1}
	head, _, err := reg.Publish(ctx, p)
	return head, p, err
}
