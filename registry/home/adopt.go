package home

import (
	"context"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
)

// Adopt adopts the registry states among roots, the roots of a CAR whose
// blocks car.Read stored in the home's block store (car.Adopt, records
// checked by follow.Verifier, releases expanded from the block store as
// get expands them). It takes the index lock, when the index exists, only
// now: a long read of the file holds no lock.
func (h *Home) Adopt(ctx context.Context, roots []cid.Cid) ([]car.Adoption, error) {
	if h.HasIndex() {
		if _, err := h.Lock(); err != nil {
			return nil, err
		}
	}
	return car.Adopt(ctx, car.AdoptConfig{Blocks: h.blocks, Index: h.Index(), Verifier: follow.Verifier{}, Content: h.blocks.Blockstore()}, roots)
}
