package maint

import (
	"context"
	"errors"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
)

// GCOptions say what one GC run works on and keeps.
type GCOptions struct {
	Blocks    *flatfs.Store // required
	IndexPath string        // the index file (index.db); required
	// RecordsDir holds the records of names not followed that svcreg
	// serve keeps (gateway.Config.RecordsDir); those past their end of
	// life are removed. "": none are.
	RecordsDir string
	DryRun     bool // count what would be removed, remove nothing
	// KeepHistory keeps only the newest N states of each registry, and
	// what they reach (0: every state).
	KeepHistory int
	// Grace: only what was last written longer ago is removed (0: all
	// that no head reaches and no lease protects). svcreg gc's default is
	// DefaultGrace.
	Grace time.Duration
	// Keep says whether the heads of the registry name are kept (nil:
	// every registry's); what only dropped heads reach is removed.
	Keep func(name string) bool
	Now  func() time.Time // nil: time.Now
}

// GCReport is what GC removed or, with DryRun, would remove.
type GCReport struct {
	DryRun      bool  `json:"dry_run"`
	Blocks      int   `json:"blocks"`       // unreachable blocks removed (or that would be)
	Bytes       int64 `json:"bytes"`        // their size
	Temps       int   `json:"temp_files"`   // temporary files removed (or that would be)
	TempBytes   int64 `json:"temp_bytes"`   // their size
	Kept        int   `json:"kept_blocks"`  // stored blocks kept
	YoungBlocks int   `json:"young_blocks"` // unreachable, but younger than the grace
	Records     int   `json:"records"`      // expired records of names not followed removed (or that would be)
}

// GC removes the blocks no kept head reaches (in the index or the record
// files beside it) and the temporary files killed writers left, both last
// written before the grace and before the oldest lease; then the expired
// records in RecordsDir. It is safe while writers and a server run (see
// the package documentation). A damaged index fails with an *IndexError,
// a damaged reachable block with a *ReachError: nothing is removed then.
func GC(ctx context.Context, opt GCOptions) (GCReport, error) {
	out := GCReport{DryRun: opt.DryRun}
	if opt.Blocks == nil || opt.IndexPath == "" {
		return out, errors.New("gc: blocks and index path are required")
	}
	now := clock(opt.Now)
	if _, err := opt.Blocks.RestoreTrash(); err != nil {
		return out, err
	}
	cutoff, lease, err := gcCutoff(opt, now())
	if err != nil {
		return out, err
	}
	defer lease.Release()
	if err := collect(ctx, opt, cutoff, &out); err != nil {
		return out, err
	}
	if err := gcTemps(opt, cutoff, &out); err != nil {
		return out, err
	}
	if opt.RecordsDir != "" {
		out.Records, err = gateway.PruneRecords(opt.RecordsDir, now(), out.DryRun)
	}
	return out, err
}

// collect marks what the kept heads reach and removes (or counts) the
// other stored blocks last written before cutoff.
func collect(ctx context.Context, opt GCOptions, cutoff time.Time, out *GCReport) error {
	keep := keepFilter(opt.Keep)
	heads, err := indexHeads(ctx, opt.IndexPath, false)
	if err != nil {
		return &IndexError{Err: err}
	}
	heads = keep(heads)
	// The records beside the blocks name heads too (an index restored
	// from a backup may be behind them): keep what they reach as well.
	fromFiles, _, err := fileHeads(ctx, opt.IndexPath, opt.Blocks)
	if err != nil {
		return err
	}
	m := newMarker(opt.Blocks, opt.KeepHistory)
	if err := gcMark(ctx, m, append(heads, keep(fromFiles)...)); err != nil {
		return err
	}
	if err := markRecords(m, opt.RecordsDir, clock(opt.Now)()); err != nil {
		return err
	}
	candidates, err := gcCandidates(ctx, opt.Blocks, m, cutoff, out)
	if err != nil {
		return err
	}
	if !out.DryRun {
		if candidates, err = gcSweep(ctx, opt, m, heads, keep, candidates, cutoff); err != nil {
			return err
		}
	}
	for _, b := range candidates {
		out.Blocks++
		out.Bytes += b.Size
	}
	return nil
}

// keepFilter returns the filter of the heads GC keeps.
func keepFilter(keep func(string) bool) func([]registry.Head) []registry.Head {
	if keep == nil {
		return func(hs []registry.Head) []registry.Head { return hs }
	}
	return func(hs []registry.Head) []registry.Head {
		var out []registry.Head
		for _, h := range hs {
			if keep(h.Name) {
				out = append(out, h)
			}
		}
		return out
	}
}

// gcCutoff returns the time before which GC may remove what no head
// reaches: grace before now, and never after the start of the oldest
// lease a writer still holds (flatfs.Lease), so that nothing a publish in
// progress wrote or touched goes. GC takes a lease itself to read "now"
// on the clock that stamps the files: a writer that starts later writes
// nothing older. A dry run reads the clock and writes nothing.
//
// Without a block store there is nothing to remove and no lease to take:
// GC then creates nothing. The lease returned may be nil (Release
// accepts it).
func gcCutoff(opt GCOptions, now time.Time) (time.Time, *flatfs.Lease, error) {
	var lease *flatfs.Lease
	if !opt.DryRun && fileExists(opt.Blocks.Dir()) {
		l, err := opt.Blocks.Lease()
		if err != nil {
			return time.Time{}, nil, err
		}
		lease, now = l, l.Start
	}
	cutoff := now.Add(-opt.Grace)
	oldest, ok, err := opt.Blocks.OldestLease(opt.DryRun)
	if err != nil {
		lease.Release()
		return time.Time{}, nil, err
	}
	if ok && oldest.Before(cutoff) {
		cutoff = oldest
	}
	return cutoff, lease, nil
}

// gcMark marks what heads reach. A block of a registry that is stored
// but damaged stops GC: what it links could not be marked.
func gcMark(ctx context.Context, m *marker, heads []registry.Head) error {
	for _, hd := range heads {
		err := m.walk(ctx, hd, func(c cid.Cid, kind registry.BlockKind, err error) error {
			if err != nil && !errors.Is(err, registry.ErrBlockNotFound) {
				return &ReachError{Registry: hd.Name, Kind: kind, Block: c, Err: err}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// gcCandidates lists the stored blocks that were not marked and were last
// written before cutoff.
func gcCandidates(ctx context.Context, blocks *flatfs.Store, m *marker, cutoff time.Time, out *GCReport) ([]flatfs.StoredBlock, error) {
	var cands []flatfs.StoredBlock
	err := blocks.List(ctx, func(b flatfs.StoredBlock) error {
		switch {
		case m.marked(flatfs.Key(b.Hash)):
			out.Kept++
		case !b.ModTime.Before(cutoff):
			out.Kept++
			out.YoungBlocks++
		default:
			cands = append(cands, b)
		}
		return nil
	})
	return cands, err
}

// gcSweep removes the candidates under the index lock, after marking what
// heads that moved since gcMark reach. It returns what it removed.
func gcSweep(ctx context.Context, opt GCOptions, m *marker, before []registry.Head, keep func([]registry.Head) []registry.Head, cands []flatfs.StoredBlock, cutoff time.Time) ([]flatfs.StoredBlock, error) {
	if len(cands) == 0 && !fileExists(opt.IndexPath) {
		return nil, bolt.CheckLost(opt.IndexPath) // nothing to remove, nothing to create
	}
	idx, err := bolt.Open(opt.IndexPath, nil)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	heads, err := idx.Heads(ctx)
	if err != nil {
		return nil, err
	}
	if err := gcMark(ctx, m, moved(before, keep(heads))); err != nil {
		return nil, err
	}
	var removed []flatfs.StoredBlock
	for _, b := range cands {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		if m.marked(flatfs.Key(b.Hash)) {
			continue
		}
		ok, err := opt.Blocks.RemoveIfOlder(b.Hash, cutoff)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, b)
		}
	}
	return removed, nil
}

// moved returns the heads of now that are not in before.
func moved(before, now []registry.Head) []registry.Head {
	seen := map[string]bool{}
	for _, hd := range before {
		seen[hd.Name+" "+hd.Root.String()] = true
	}
	var out []registry.Head
	for _, hd := range now {
		if !seen[hd.Name+" "+hd.Root.String()] {
			out = append(out, hd)
		}
	}
	return out
}

// gcTemps removes (or, dry, counts) temporary files older than cutoff.
func gcTemps(opt GCOptions, cutoff time.Time, out *GCReport) error {
	temps, err := opt.Blocks.Temps(cutoff)
	if err != nil {
		return err
	}
	for _, t := range temps {
		if !out.DryRun {
			if err := removeFile(t.Path); err != nil {
				return err
			}
		}
		out.Temps++
		out.TempBytes += t.Size
	}
	heads, err := bolt.RemoveTempHeadFiles(bolt.HeadsDir(opt.IndexPath), cutoff, out.DryRun)
	out.Temps += len(heads)
	return err
}

// StorageUsed returns the bytes of the blocks stored in blocks.
func StorageUsed(ctx context.Context, blocks *flatfs.Store) (int64, error) {
	var n int64
	err := blocks.List(ctx, func(b flatfs.StoredBlock) error { n += b.Size; return nil })
	return n, err
}
