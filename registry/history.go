package registry

import (
	"context"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// StoredState is a manifest state of a registry found among stored blocks.
type StoredState struct {
	Root cid.Cid
	Seq  uint64
}

// HighestStoredState reads every block keys lists and returns the state of
// r's registry with the highest sequence among them, if any: evidence of a
// history that a new Init would fork, even when no head (no signed record)
// is stored. keys may carry any codec (a block store lists multihashes);
// each block is read as DAG-CBOR and verified against its hash. Blocks that
// are not manifests of this registry are skipped.
func (r *Registry) HighestStoredState(ctx context.Context, keys <-chan cid.Cid) (StoredState, bool, error) {
	var best StoredState
	found := false
	for k := range keys {
		if err := ctx.Err(); err != nil {
			return StoredState{}, false, err
		}
		c := cid.NewCidV1(cid.DagCBOR, k.Hash())
		data, err := r.blocks.Get(ctx, c)
		if err != nil || len(data) == 0 || len(data) > manifest.MaxBlockSize || data[0]>>5 != 5 {
			continue // unreadable, or not a CBOR map: not a manifest
		}
		m, err := manifest.DecodeManifest(data)
		if err != nil || m.Registry != r.name {
			continue
		}
		if !found || m.Seq > best.Seq {
			best, found = StoredState{Root: c, Seq: m.Seq}, true
		}
	}
	return best, found, ctx.Err()
}
