package registry

import (
	"context"

	"github.com/svcreg/svcreg/manifest"
)

// MaxCarried is the most cached answers a change answers again at its
// new head (ResolutionIndex); a query beyond them is answered, and
// cached, by the first read that asks it.
const MaxCarried = 256

// moveHead moves the head from prev to h (swapHead). When the index is a
// ResolutionIndex it first answers at h (whose blocks are stored) the
// queries the index holds answers for at prev and the bare names of the
// services changed, and moves the head with the answers, in one
// transaction.
func (r *Registry) moveHead(ctx context.Context, prev, h Head, rf RootFloor, changed []manifest.Name) error {
	ri, ok := r.cache.(ResolutionIndex)
	if !ok {
		return swapHead(ctx, r.cache, prev.Seq, h, rf)
	}
	var queries []string
	if prev.Root.Defined() {
		qs, err := ri.Queries(ctx, r.name, prev.Root)
		if err != nil {
			r.log.Warn("list cached resolutions", "registry", r.name, "err", err)
		}
		queries = qs
	}
	for _, n := range changed {
		queries = append(queries, manifest.Spec{Name: n}.String())
	}
	return ri.SwapHeadResolutions(ctx, prev.Seq, h, rf, r.answers(ctx, h, queries))
}

// answers answers queries (at most MaxCarried, each once) at h as
// Resolve would cache them: a query that fails or names a yanked version
// is left out.
func (r *Registry) answers(ctx context.Context, h Head, queries []string) map[string]Resolution {
	rs := map[string]Resolution{}
	for _, q := range queries {
		if len(rs) == MaxCarried || ctx.Err() != nil {
			break
		}
		spec, err := manifest.ParseSpec(q)
		if _, done := rs[q]; done || err != nil || spec.String() != q {
			continue
		}
		info, err := r.resolveAt(ctx, h, spec)
		if err != nil || info.Resolution().Yanked {
			continue
		}
		rs[q] = info.Resolution()
	}
	return rs
}
