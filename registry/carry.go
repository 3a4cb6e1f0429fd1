package registry

import (
	"context"

	"github.com/svcreg/svcreg/manifest"
)

// MaxCarried is the most cached answers a change answers again at its
// new head (ResolutionIndex); a query beyond them is answered, and
// cached, by the first read that asks it.
const MaxCarried = 256

// moveHead moves the head from prev to h (swapHead) and, when the index
// is a ResolutionIndex, answers again at h the queries it held answers
// for at prev and the bare names of the services changed, storing the
// answers in one write. The head has moved whatever that write does: its
// failure is logged, and a read answers and caches as before.
func (r *Registry) moveHead(ctx context.Context, prev, h Head, rf RootFloor, changed []manifest.Name) error {
	ri, ok := r.cache.(ResolutionIndex)
	var queries []string
	if ok && prev.Root.Defined() {
		qs, err := ri.Queries(ctx, r.name, prev.Root)
		if err != nil {
			r.log.Warn("list cached resolutions", "registry", r.name, "err", err)
		}
		queries = qs
	}
	if err := swapHead(ctx, r.cache, prev.Seq, h, rf); err != nil {
		return err
	}
	if ok {
		for _, n := range changed {
			queries = append(queries, manifest.Spec{Name: n}.String())
		}
		r.carry(ctx, ri, h, queries)
	}
	return nil
}

// carry answers queries (at most MaxCarried, each once) at h and caches
// the answers, as Resolve would: a query that fails or names a yanked
// version is left out.
func (r *Registry) carry(ctx context.Context, ri ResolutionIndex, h Head, queries []string) {
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
	if len(rs) == 0 {
		return
	}
	if err := ri.PutResolutions(ctx, r.name, h.Root, rs); err != nil {
		r.log.Warn("cache resolutions", "registry", r.name, "err", err)
	}
}
