package follow

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// DefaultDAGHedge is how long FetchDAG lets the upstreams it asked go
// without delivering a block before it asks the next one too.
const DefaultDAGHedge = time.Second

// FetchDAG brings the whole DAG under root into the local store, as one
// CAR from the first upstream that delivers it complete; every block is
// checked against its CID and against the DAG's links before it is kept.
// It asks one upstream at a time, the next one as soon as those asked so
// far failed or went DefaultDAGHedge without delivering a block; the first
// complete CAR wins and the other requests are cancelled, so a slow or
// lying upstream never holds back one that has the DAG. progress, when
// not nil, is called after each block with the totals.
//
// It returns what went wrong with the upstreams that failed, and an error
// wrapping registry.ErrUnavailable when none delivered (or an integrity
// error, when an upstream served bad data and none good data). Online
// without a gateway (Config.Sources only), it fetches nothing and returns
// nil: the DAG then comes block by block (MakeLocal's walk).
func (f *Follower) FetchDAG(ctx context.Context, root cid.Cid, progress func(blocks int, bytes int64)) ([]registry.SourceError, error) {
	if !f.Online() {
		return nil, fmt.Errorf("fetch %s: %w", root, f.Unasked())
	}
	if len(f.gateways) == 0 {
		return nil, nil
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var blocks, bytes, last atomic.Int64
	last.Store(time.Now().UnixNano())
	ch := make(chan registry.SourceError, len(f.gateways))
	next, running := 0, 0
	ask := func() {
		g := f.gateways[next]
		next++
		running++
		last.Store(time.Now().UnixNano())
		go func() {
			err := g.DAG(rctx, root, func(k cid.Cid, data []byte) error {
				n, b := blocks.Add(1), bytes.Add(int64(len(data)))
				last.Store(time.Now().UnixNano())
				if progress != nil {
					progress(int(n), b)
				}
				return f.cfg.Blocks.Put(rctx, k, data)
			})
			ch <- registry.SourceError{Source: g.String(), Err: err}
		}()
	}
	ask()
	tick := time.NewTicker(DefaultDAGHedge / 4)
	defer tick.Stop()
	var problems []registry.SourceError
	for running > 0 {
		select {
		case r := <-ch:
			running--
			if r.Err == nil {
				return problems, nil
			}
			if ctx.Err() != nil {
				return problems, ctx.Err()
			}
			f.log.Warn("fetch DAG", "registry", f.name, "root", root, "upstream", r.Source, "err", r.Err)
			problems = append(problems, r)
			if next < len(f.gateways) {
				ask()
			}
		case <-tick.C:
			if next < len(f.gateways) && time.Since(time.Unix(0, last.Load())) >= DefaultDAGHedge {
				ask()
			}
		case <-ctx.Done():
			return problems, ctx.Err()
		}
	}
	return problems, dagError(root, problems)
}

// dagError sums up why no upstream delivered the DAG.
func dagError(root cid.Cid, problems []registry.SourceError) error {
	for _, p := range problems {
		if !isAny(p.Err, registry.ErrUnreachable, registry.ErrBlockNotFound) {
			return fmt.Errorf("fetch %s: %w", root, p)
		}
	}
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return fmt.Errorf("fetch %s: %w: %w", root, registry.ErrUnavailable, errors.Join(errs...))
}
