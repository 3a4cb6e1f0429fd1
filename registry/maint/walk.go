package maint

import (
	"context"
	"errors"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/flatfs"
)

// walkAndFetch walks every head and, with Repair, fetches what the walk
// found missing or damaged and walks again, a few rounds while fetches
// make progress. Notes of earlier walks give way to the last one's.
func walkAndFetch(ctx context.Context, opt CheckOptions, heads []registry.Head, rep *Report) []*RegistryReport {
	problems, notes := len(rep.Problems), len(rep.Notes)
	regs := walk(ctx, opt.Blocks, heads, opt.Own, rep)
	for round := 0; opt.Repair && needsFetch(regs) && round < MaxFetchRounds; round++ {
		walked := len(rep.Notes)
		fetched := refetch(ctx, opt, regs, rep)
		rep.Problems = rep.Problems[:problems]
		rep.Notes = append(rep.Notes[:notes], rep.Notes[walked:]...)
		notes = len(rep.Notes)
		regs = walk(ctx, opt.Blocks, heads, opt.Own, rep)
		if fetched == 0 {
			break
		}
	}
	return regs
}

// walk walks every head and counts what it reaches.
func walk(ctx context.Context, blocks *flatfs.Store, heads []registry.Head, own string, rep *Report) []*RegistryReport {
	sortHeads(heads)
	m := newMarker(blocks, 0)
	var out []*RegistryReport
	for _, hd := range heads {
		r := &RegistryReport{Name: hd.Name, Own: hd.Name == own, Seq: hd.Seq, Root: hd.Root.String(), bad: map[cid.Cid]error{}}
		out = append(out, r)
		history := 0
		err := m.walk(ctx, hd, func(c cid.Cid, kind registry.BlockKind, err error) error {
			switch {
			case err == nil:
				r.Blocks++
			case errors.Is(err, registry.ErrBlockNotFound) && kind == registry.KindManifest && !c.Equals(hd.Root):
				history++ // pruned by gc --keep-history, or never fetched
			case errors.Is(err, registry.ErrBlockNotFound):
				r.Missing++
				r.bad[c] = err
			default:
				r.Corrupt++
				r.bad[c] = err
			}
			return nil
		})
		if err != nil {
			rep.problem("registry %s: %v", hd.Name, err)
		}
		walkNotes(r, history, rep)
	}
	return out
}

// walkNotes reports what the walk of r found.
func walkNotes(r *RegistryReport, history int, rep *Report) {
	if history > 0 {
		rep.note("registry %s: the history older than some stored state is not stored (gc --keep-history, or never fetched)", r.Name)
	}
	if r.Corrupt > 0 {
		rep.problem("registry %s: %d reachable blocks do not match their CID", r.Name, r.Corrupt)
	}
	switch {
	case r.Missing > 0 && r.Own:
		rep.problem("registry %s: %d reachable blocks are missing", r.Name, r.Missing)
	case r.Missing > 0:
		rep.note("registry %s: %d reachable blocks were never fetched", r.Name, r.Missing)
	}
}

// needsFetch reports whether a walk found blocks to refetch: corrupt
// ones anywhere, missing ones of the own registry.
func needsFetch(regs []*RegistryReport) bool {
	for _, r := range regs {
		if r.Corrupt > 0 || (r.Own && r.Missing > 0) {
			return true
		}
	}
	return false
}

// checkStored checks every stored block against its multihash; with
// repair, a corrupt one is quarantined.
func checkStored(ctx context.Context, blocks *flatfs.Store, repair bool, rep *Report) {
	corrupt := 0
	err := blocks.List(ctx, func(b flatfs.StoredBlock) error {
		rep.Stored++
		err := blocks.Check(ctx, b.Hash)
		if !errors.Is(err, registry.ErrCorruptBlock) {
			return nil
		}
		if repair && blocks.Quarantine(b.Hash) == nil {
			rep.repaired("corrupt block %s moved to blocks/.quarantine", cid.NewCidV1(cid.Raw, b.Hash))
			return nil
		}
		corrupt++
		return nil
	})
	if err != nil {
		rep.problem("blocks: %v", err)
	}
	if corrupt > 0 {
		rep.problem("blocks: %d stored blocks do not match their CID", corrupt)
	}
}
