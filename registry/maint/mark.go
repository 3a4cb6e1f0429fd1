package maint

import (
	"context"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/follow"
)

// marker walks heads over a block store and remembers, by multihash,
// every block it reached.
type marker struct {
	blocks *flatfs.Store
	reach  registry.Reach
	keys   map[string]bool
}

func newMarker(blocks *flatfs.Store, keepHistory int) *marker {
	return &marker{blocks: blocks, reach: registry.Reach{Blocks: blocks, KeepHistory: keepHistory}, keys: map[string]bool{}}
}

// walk marks what h reaches and passes every block, with the error of
// reading it, to visit. Content DAGs are walked block by block, by the
// one completeness walk (follow.Walk).
func (m *marker) walk(ctx context.Context, h registry.Head, visit registry.Visit) error {
	return m.reach.Walk(ctx, h, func(c cid.Cid, kind registry.BlockKind, err error) error {
		if kind != registry.KindContent {
			m.keys[flatfs.Key(c.Hash())] = true
			return visit(c, kind, err)
		}
		skip := func(x cid.Cid) bool { return m.keys[flatfs.Key(x.Hash())] }
		return follow.Walk(ctx, m.blocks, c, skip, func(x cid.Cid, err error) error {
			m.keys[flatfs.Key(x.Hash())] = true
			return visit(x, registry.KindContent, err)
		})
	})
}

// marked reports whether the stored block with multihash key was reached.
func (m *marker) marked(key string) bool { return m.keys[key] }
