package follow

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// FetchDAG brings the whole DAG under root into the local store, as one
// CAR from the first upstream that delivers it complete; every block is
// checked against its CID and against the DAG's links before it is kept.
// progress, when not nil, is called after each block with the totals.
// It returns what went wrong with the upstreams that failed, and an error
// wrapping registry.ErrUnavailable when none delivered (or the first
// integrity error, when an upstream served bad data and none good data).
func (f *Follower) FetchDAG(ctx context.Context, root cid.Cid, progress func(blocks int, bytes int64)) ([]registry.SourceError, error) {
	if !f.Online() {
		return nil, fmt.Errorf("fetch %s: %w", root, registry.ErrOffline)
	}
	var blocks int
	var bytes int64
	var problems []registry.SourceError
	for _, g := range f.gateways {
		err := g.DAG(ctx, root, func(k cid.Cid, data []byte) error {
			blocks++
			bytes += int64(len(data))
			if progress != nil {
				progress(blocks, bytes)
			}
			return f.cfg.Blocks.Put(ctx, k, data)
		})
		if err == nil {
			return problems, nil
		}
		if ctx.Err() != nil {
			return problems, ctx.Err()
		}
		f.log.Warn("fetch DAG", "registry", f.name, "root", root, "upstream", g.String(), "err", err)
		problems = append(problems, registry.SourceError{Source: g.String(), Err: err})
	}
	for _, p := range problems {
		if !isAny(p.Err, registry.ErrUnreachable, registry.ErrBlockNotFound) {
			return problems, fmt.Errorf("fetch %s: %w", root, p)
		}
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return problems, fmt.Errorf("fetch %s: %w: %w", root, registry.ErrUnavailable, errors.Join(errs...))
}
