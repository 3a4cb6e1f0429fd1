package home

import (
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
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
