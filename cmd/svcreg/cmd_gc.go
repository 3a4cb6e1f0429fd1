package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
)

// defaultGrace is how old an unreachable block or a temporary file must
// be before gc removes it: far longer than any publish takes between
// writing (or touching) its blocks and moving the head.
const defaultGrace = time.Hour

func newGCCommand() *cli.Command {
	return &cli.Command{
		Name:  "gc",
		Usage: "remove blocks no head reaches and files left by killed writers",
		Description: `Removes the blocks that no registry head in the index reaches — own and
followed, every state of the history unless --keep-history N, every
release's content — and temporary files that writers killed mid-write left
behind (blocks/**/.put-*, heads/*/.put-*), and the IPNS records of names
not followed that svcreg serve keeps (records/) once past their end of life.

gc is safe while publishers, fetches and a server run. Only blocks and
files last written more than --grace ago are removed; a publish writes or
touches every block it links before it moves the head, so none of them is
that old. Whatever --grace (0s included), nothing is removed that was
written since the start of a publish, tag, yank or other change of the
home's own registry still in progress (each marks itself in
blocks/.writers/ while it runs). Before removing anything gc takes the index lock, which a head
needs to move, and walks any head that moved since it looked; a block a
publish touches after gc removed it is written again.

--keep-history N keeps only the newest N states of each registry (and what
they reach). --drop-unfollowed keeps only the home's own registry and the
remotes in config.json: what only registries read once with --registry
K51… --gateway URL, or removed with 'svcreg remote rm', reach is removed
(read again, it is fetched again). --dry-run prints what would be
removed and removes nothing.

Examples:
   svcreg gc --dry-run
   svcreg gc
   svcreg gc --keep-history 10 --grace 24h`,
		Flags: withCommon(
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "say what would be removed, remove nothing"},
			&cli.IntFlag{Name: "keep-history", Usage: "keep only the newest N states of each registry (0: all)"},
			&cli.DurationFlag{Name: "grace", Value: defaultGrace, Usage: "remove only what was last written longer ago than this"},
			&cli.BoolFlag{Name: "drop-unfollowed", Usage: "keep only the home's own registry and those in 'svcreg remote ls'"},
		),
		Action: runGC,
	}
}

type gcOut struct {
	DryRun      bool  `json:"dry_run"`
	Blocks      int   `json:"blocks"`       // unreachable blocks removed (or that would be)
	Bytes       int64 `json:"bytes"`        // their size
	Temps       int   `json:"temp_files"`   // temporary files removed (or that would be)
	TempBytes   int64 `json:"temp_bytes"`   // their size
	Kept        int   `json:"kept_blocks"`  // stored blocks kept
	YoungBlocks int   `json:"young_blocks"` // unreachable, but younger than --grace
	Records     int   `json:"records"`      // expired records of names not followed removed (or that would be)
}

func runGC(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	if c.Int("keep-history") < 0 || c.Duration("grace") < 0 {
		return usageErr(errors.New("gc: --keep-history and --grace must not be negative"), "svcreg gc [--keep-history N] [--grace 1h]")
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if _, err := loadKey(h.dir); err != nil && !errors.Is(err, errNoKey) {
		return err // one rule for every command: a readable key is refused
	}
	if !c.Bool("dry-run") {
		if err := h.requireWritable(); err != nil {
			return err
		}
	}
	keep, err := gcKeep(c, h.dir)
	if err != nil {
		return err
	}
	out, err := collectGarbage(c.Context, h, gcOptions{
		dryRun: c.Bool("dry-run"), keepHistory: c.Int("keep-history"), grace: c.Duration("grace"), keep: keep,
	})
	if err != nil {
		return err
	}
	if out.Records, err = gateway.PruneRecords(filepath.Join(h.dir, recordsDir), time.Now(), out.DryRun); err != nil {
		return err
	}
	verb := "removed"
	if out.DryRun {
		verb = "would remove"
	}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s %d unreachable blocks (%d bytes) and %d temporary files (%d bytes); kept %d blocks",
			verb, out.Blocks, out.Bytes, out.Temps, out.TempBytes, out.Kept)
		if out.YoungBlocks > 0 {
			fmt.Fprintf(w, ", %d of them unreachable but younger than --grace", out.YoungBlocks)
		}
		if out.Records > 0 {
			fmt.Fprintf(w, "; %s %d expired records of names not followed", verb, out.Records)
		}
		fmt.Fprintln(w)
	})
}

// gcOptions say what one gc run keeps (see the gc command).
type gcOptions struct {
	dryRun      bool
	keepHistory int                                   // 0: every state
	grace       time.Duration                         // remove only what was last written longer ago
	keep        func([]registry.Head) []registry.Head // the heads kept; nil: all
}

// collectGarbage removes the blocks no kept head reaches and the
// temporary files killed writers left, both last written before the
// grace (and before the oldest lease): the one gc of a home, run by
// 'svcreg gc' and by 'svcreg serve --storage-max'.
func collectGarbage(ctx context.Context, h *home, opt gcOptions) (gcOut, error) {
	out := gcOut{DryRun: opt.dryRun}
	if _, err := h.blocks.RestoreTrash(); err != nil {
		return out, err
	}
	cutoff, err := gcCutoff(h, opt.grace, out.DryRun)
	if err != nil {
		return out, err
	}
	m := newMarker(h.blocks, opt.keepHistory)
	keep := opt.keep
	if keep == nil {
		keep = func(hs []registry.Head) []registry.Head { return hs }
	}
	heads, err := indexHeads(ctx, h.dir, false)
	if err != nil {
		return out, withHint(err, "gc never runs on a damaged index: run 'svcreg fsck --repair'")
	}
	heads = keep(heads)
	// The records beside the blocks name heads too (an index restored
	// from a backup may be behind them): keep what they reach as well.
	fromFiles, _, err := fileHeads(ctx, h.dir, h.blocks)
	if err != nil {
		return out, err
	}
	if err := gcMark(ctx, m, append(heads, keep(fromFiles)...)); err != nil {
		return out, err
	}
	candidates, err := gcCandidates(ctx, h.blocks, m, cutoff, &out)
	if err != nil {
		return out, err
	}
	if !out.DryRun {
		if candidates, err = gcSweep(ctx, h, m, heads, keep, candidates, cutoff); err != nil {
			return out, err
		}
	}
	for _, b := range candidates {
		out.Blocks++
		out.Bytes += b.Size
	}
	err = gcTemps(h, cutoff, &out)
	return out, err
}

// gcCutoff returns the time before which gc may remove what no head
// reaches: grace before now, and never after the start of the oldest
// lease a writer still holds (flatfs.Lease), so that nothing a publish in
// progress wrote or touched goes. gc takes a lease itself to read "now"
// on the clock that stamps the files: a writer that starts later writes
// nothing older. A dry run reads the clock and writes nothing.
//
// Without a block store there is nothing to remove and no lease to take:
// gc then creates nothing.
func gcCutoff(h *home, grace time.Duration, dry bool) (time.Time, error) {
	now := time.Now()
	if !dry && fileExists(filepath.Join(h.dir, blocksDir)) {
		if err := h.startLease(); err != nil {
			return time.Time{}, err
		}
		now = h.lease.Start
	}
	cutoff := now.Add(-grace)
	oldest, ok, err := h.blocks.OldestLease(dry)
	if err != nil {
		return time.Time{}, err
	}
	if ok && oldest.Before(cutoff) {
		cutoff = oldest
	}
	return cutoff, nil
}

// gcMark marks what heads reach. A block of a registry that is stored
// but damaged stops gc: what it links could not be marked.
func gcMark(ctx context.Context, m *marker, heads []registry.Head) error {
	for _, hd := range heads {
		err := m.walk(ctx, hd, func(c cid.Cid, kind registry.BlockKind, err error) error {
			if err != nil && !errors.Is(err, registry.ErrBlockNotFound) {
				return fmt.Errorf("gc: registry %s: %s block %s: %w", hd.Name, kind, c, err)
			}
			return nil
		})
		if err != nil {
			return withHint(err, "gc removes nothing while a reachable block is damaged: run 'svcreg fsck --repair'")
		}
	}
	return nil
}

// gcCandidates lists the stored blocks that were not marked and were last
// written before cutoff.
func gcCandidates(ctx context.Context, blocks *flatfs.Store, m *marker, cutoff time.Time, out *gcOut) ([]flatfs.StoredBlock, error) {
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
func gcSweep(ctx context.Context, h *home, m *marker, before []registry.Head, keep func([]registry.Head) []registry.Head, cands []flatfs.StoredBlock, cutoff time.Time) ([]flatfs.StoredBlock, error) {
	path := filepath.Join(h.dir, indexFile)
	if len(cands) == 0 && !fileExists(path) {
		return nil, bolt.CheckLost(path) // nothing to remove, nothing to create
	}
	idx, err := bolt.Open(path, nil)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	heads, err := idx.Heads(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, hd := range before {
		seen[hd.Name+" "+hd.Root.String()] = true
	}
	var moved []registry.Head
	for _, hd := range keep(heads) {
		if !seen[hd.Name+" "+hd.Root.String()] {
			moved = append(moved, hd)
		}
	}
	if err := gcMark(ctx, m, moved); err != nil {
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
		ok, err := h.blocks.RemoveIfOlder(b.Hash, cutoff)
		if err != nil {
			return removed, err
		}
		if ok {
			removed = append(removed, b)
		}
	}
	return removed, nil
}

// gcTemps removes (or, dry, counts) temporary files older than cutoff.
func gcTemps(h *home, cutoff time.Time, out *gcOut) error {
	temps, err := h.blocks.Temps(cutoff)
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
	heads, err := bolt.RemoveTempHeadFiles(bolt.HeadsDir(filepath.Join(h.dir, indexFile)), cutoff, out.DryRun)
	out.Temps += len(heads)
	return err
}

// gcKeep returns the filter of the heads gc keeps: all of them, or with
// --drop-unfollowed the home's own and its remotes'.
func gcKeep(c *cli.Context, dir string) (func([]registry.Head) []registry.Head, error) {
	if !c.Bool("drop-unfollowed") {
		return func(hs []registry.Head) []registry.Head { return hs }, nil
	}
	follow := map[string]bool{}
	if k, err := loadKey(dir); err == nil {
		follow[k.Name()] = true
	} else if !errors.Is(err, errNoKey) {
		return nil, err
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		return nil, err
	}
	for _, rc := range cfg.Remotes {
		follow[rc.Registry] = true
	}
	return func(hs []registry.Head) []registry.Head {
		var out []registry.Head
		for _, h := range hs {
			if follow[h.Name] {
				out = append(out, h)
			}
		}
		return out
	}, nil
}
