package maint

import (
	"context"
	"errors"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
)

// refetch fetches the blocks a walk found missing or corrupt, for each
// registry from opt.Sources, through a registry.Fetcher: each block is
// checked before it is stored, and a corrupt copy is replaced. No index
// lock is held: a fetcher's block reads never touch the index. It returns
// how many blocks it fetched.
func refetch(ctx context.Context, opt CheckOptions, regs []*RegistryReport, rep *Report) int {
	total := 0
	for _, r := range regs {
		if len(r.bad) == 0 {
			continue
		}
		var srcs []registry.Source
		var err error
		if opt.Sources != nil {
			srcs, err = opt.Sources(r.Name)
		}
		if err != nil {
			rep.Notes = append(rep.Notes, err.Error())
		}
		if len(srcs) == 0 {
			if err == nil {
				rep.note("registry %s: no gateway to fetch %d blocks from (--gateway URL)", r.Name, len(r.bad))
			}
			continue
		}
		fetched, err := refetchRegistry(ctx, opt, r, srcs, rep)
		if err != nil {
			rep.note("registry %s: %v", r.Name, err)
			continue
		}
		if fetched > 0 {
			rep.repaired("registry %s: %d blocks fetched", r.Name, fetched)
		}
		total += fetched
	}
	return total
}

// refetchRegistry fetches the bad blocks of r from srcs, each made local
// by follow.MakeLocal (the links below it that the walk found bad too;
// what it has not walked yet waits for the next walk).
func refetchRegistry(ctx context.Context, opt CheckOptions, r *RegistryReport, srcs []registry.Source, rep *Report) (int, error) {
	f, err := registry.NewFetcher(registry.FetcherConfig{
		Name: r.Name, Blocks: opt.Blocks, Sources: srcs, Verifier: liveVerifier{},
		Index: bolt.NewTransient(opt.IndexPath, nil), // unused by block reads
	})
	if err != nil {
		return 0, err
	}
	sound := func(c cid.Cid) bool { _, bad := r.bad[c]; return !bad }
	fetched := 0
	for blk := range r.bad {
		_, err := follow.MakeLocal(ctx, opt.Blocks, blk, follow.LocalOptions{From: f, Skip: sound})
		if err != nil {
			if errors.Is(err, registry.ErrUnavailable) || errors.Is(err, registry.ErrUnreachable) {
				rep.Unreachable = true
			}
			rep.note("registry %s: %v", r.Name, err)
			continue
		}
		fetched++
	}
	return fetched, nil
}
