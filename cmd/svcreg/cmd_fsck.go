package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/remote"
)

// maxFetchRounds bounds fsck --repair's walk-and-fetch rounds.
const maxFetchRounds = 16

func newFsckCommand() *cli.Command {
	return &cli.Command{
		Name:  "fsck",
		Usage: "check the home: the index, and every block every head reaches",
		Description: `Checks the index (its file, bbolt's consistency check, every value, every
cached resolution against the manifest), that
it agrees with the signed records kept beside it (heads/), that every block
each registry's heads reach — every state, index node and service, and the
content of every release — is stored and matches its CID, and that every
stored block matches its CID.

For a followed registry, blocks never fetched are only counted; for the
home's own registry they are problems. States older than a 'gc
--keep-history' cut are noted, not counted as problems.

--repair rebuilds a damaged or missing index from the newest verified
record of each registry kept beside the blocks (the rollback floor
survives; cached resolutions are dropped; the old file is kept as
index.db.damaged-TIME), moves the index forward to a newer record, drops
wrong cached resolutions, moves
corrupt blocks to blocks/.quarantine, and fetches missing or corrupt
blocks from the followed registries' gateways and any --gateway.

Exit status: 0 when nothing is wrong (after --repair: nothing is left
wrong), 5 when problems remain (always without --repair, which fetches
nothing); with --repair, 8 when the only problems left are blocks whose
fetch failed because no gateway answered.

Examples:
   svcreg fsck
   svcreg fsck --repair
   svcreg fsck --repair --gateway http://127.0.0.1:8080`,
		Flags: withCommon(
			&cli.BoolFlag{Name: "repair", Usage: "rebuild the index and fetch or quarantine bad blocks"},
			&cli.StringSliceFlag{Name: "gateway", Usage: "a trustless gateway to fetch missing blocks from (repeatable)"},
			&cli.DurationFlag{Name: "timeout", Value: remote.DefaultTimeout, Usage: "how long a gateway request may take"},
		),
		Action: runFsck,
	}
}

// fsckReport is fsck's outcome; --json prints it.
type fsckReport struct {
	Index      string         `json:"index"` // ok, missing, damaged, rebuilt, behind, updated
	Registries []fsckRegistry `json:"registries"`
	Stored     int            `json:"stored_blocks"`
	Problems   []string       `json:"problems"`
	Notes      []string       `json:"notes"`
	Repaired   []string       `json:"repaired"`
	network    bool           // a fetch failed for want of a reachable gateway
}

type fsckRegistry struct {
	Name     string `json:"registry"`
	Own      bool   `json:"own"`
	Seq      uint64 `json:"seq"`
	Root     string `json:"root"`
	Blocks   int    `json:"blocks"`  // reached and intact
	Missing  int    `json:"missing"` // reached and not stored
	Corrupt  int    `json:"corrupt"` // reached and not matching their CID
	problems map[cid.Cid]error
}

func (r *fsckReport) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func runFsck(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	// fsck reports corrupt blocks and moves them itself (--repair).
	h, err := openBlocksWith(c, flatfs.Options{KeepCorrupt: true})
	if err != nil {
		return err
	}
	defer h.Close()
	own := ""
	if k, err := loadKey(h.dir); err == nil {
		own = k.Name()
	} else if !errors.Is(err, errNoKey) {
		return err
	}
	if c.Bool("repair") {
		if err := h.requireWritable(); err != nil {
			return err
		}
	}
	rep := &fsckReport{Problems: []string{}, Notes: []string{}, Repaired: []string{}}
	heads, err := fsckIndex(c, h, rep)
	if err != nil {
		return err
	}
	if rep.Index != "damaged" && rep.Index != "missing" {
		if err := fsckResolutions(c, h, heads, rep); err != nil {
			return err
		}
	}
	problems, notes := len(rep.Problems), len(rep.Notes)
	regs := fsckWalk(c.Context, h.blocks, heads, own, rep)
	// Fetched blocks may link more that is missing: walk again, a few
	// rounds while fetches make progress.
	for round := 0; c.Bool("repair") && fsckNeedsFetch(regs) && round < maxFetchRounds; round++ {
		walked := len(rep.Notes)
		fetched := fsckFetch(c, h, regs, rep)
		rep.Problems = rep.Problems[:problems]
		rep.Notes = append(rep.Notes[:notes], rep.Notes[walked:]...)
		notes = len(rep.Notes)
		regs = fsckWalk(c.Context, h.blocks, heads, own, rep)
		if fetched == 0 {
			break
		}
	}
	fsckStored(c.Context, h.blocks, c.Bool("repair"), rep)
	for _, r := range regs {
		rep.Registries = append(rep.Registries, *r)
	}
	if err := emit(c, rep, func(w io.Writer) { printFsck(w, rep) }); err != nil {
		return err
	}
	return fsckExit(c, rep)
}

// fsckIndex checks the index against the record files and, with
// --repair, rebuilds or advances it. It returns the heads to walk.
func fsckIndex(c *cli.Context, h *home, rep *fsckReport) ([]registry.Head, error) {
	ctx := c.Context
	heads, ierr := indexHeads(ctx, h.dir, true)
	missing := !fileExists(filepath.Join(h.dir, indexFile))
	fromFiles, failed, err := fileHeads(ctx, h.dir, h.blocks)
	if err != nil {
		return nil, err
	}
	for n, ferr := range failed {
		rep.problem("registry %s: no usable record beside the blocks: %v", n, ferr)
	}
	switch {
	case ierr != nil && !errors.Is(ierr, bolt.ErrCorruptIndex):
		return nil, ierr // locked, unreadable: not fsck's to judge
	case ierr != nil || (missing && len(fromFiles) > 0):
		rep.Index = "damaged"
		if missing {
			rep.Index = "missing"
		}
		if ierr != nil {
			rep.problem("index: %v", ierr)
		} else {
			rep.problem("index: %s is missing, but heads/ holds records of %d registries", indexFile, len(fromFiles))
		}
		if !c.Bool("repair") {
			return fromFiles, nil
		}
		aside, err := rebuildIndex(ctx, h.dir, fromFiles)
		if err != nil {
			return nil, fmt.Errorf("rebuild the index: %w", err)
		}
		rep.Index = "rebuilt"
		rep.Problems = rep.Problems[:0]
		rep.Repaired = append(rep.Repaired, fmt.Sprintf("index rebuilt from the records of %d registries (cached resolutions dropped)", len(fromFiles)))
		if aside != "" {
			rep.Notes = append(rep.Notes, "the damaged index was kept as "+filepath.Base(aside))
		}
		return fromFiles, nil
	}
	rep.Index = "ok"
	return fsckAdvance(c, h, rep, heads, fromFiles)
}

// fsckAdvance compares the index's heads with the record files: a file
// newer than the index (a restored or rolled-back index) is a problem
// that --repair fixes by moving the index forward; a head without a file
// gets one written with --repair.
func fsckAdvance(c *cli.Context, h *home, rep *fsckReport, heads, fromFiles []registry.Head) ([]registry.Head, error) {
	byName := map[string]registry.Head{}
	for _, hd := range heads {
		byName[hd.Name] = hd
	}
	var behind []registry.Head
	for _, f := range fromFiles {
		if cur, ok := byName[f.Name]; !ok || f.Seq > cur.Seq {
			rep.problem("index: registry %s is at seq %d, its record beside the blocks is seq %d", f.Name, cur.Seq, f.Seq)
			behind = append(behind, f)
		}
	}
	if !c.Bool("repair") {
		if len(behind) > 0 {
			rep.Index = "behind"
		}
		return heads, nil
	}
	idx, err := bolt.Open(filepath.Join(h.dir, indexFile), nil)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	for _, f := range behind {
		if err := idx.SwapHead(c.Context, byName[f.Name].Seq, f); err != nil {
			return nil, fmt.Errorf("move the index forward: %w", err)
		}
		byName[f.Name] = f
		rep.Repaired = append(rep.Repaired, fmt.Sprintf("index: registry %s moved forward to seq %d", f.Name, f.Seq))
	}
	if len(behind) > 0 {
		rep.Index, rep.Problems = "updated", rep.Problems[:0]
	}
	wrote, err := idx.SaveHeadFiles(c.Context)
	if err != nil {
		return nil, err
	}
	for _, n := range wrote {
		rep.Repaired = append(rep.Repaired, "record of "+n+" saved beside the blocks")
	}
	heads = heads[:0]
	for _, hd := range byName {
		heads = append(heads, hd)
	}
	return heads, nil
}

// fsckWalk walks every head and counts what it reaches.
func fsckWalk(ctx context.Context, blocks *flatfs.Store, heads []registry.Head, own string, rep *fsckReport) []*fsckRegistry {
	sortHeads(heads)
	m := newMarker(blocks, 0)
	var out []*fsckRegistry
	for _, hd := range heads {
		r := &fsckRegistry{Name: hd.Name, Own: hd.Name == own, Seq: hd.Seq, Root: hd.Root.String(), problems: map[cid.Cid]error{}}
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
				r.problems[c] = err
			default:
				r.Corrupt++
				r.problems[c] = err
			}
			return nil
		})
		if err != nil {
			rep.problem("registry %s: %v", hd.Name, err)
		}
		if history > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("registry %s: the history older than some stored state is not stored (gc --keep-history, or never fetched)", hd.Name))
		}
		if r.Corrupt > 0 {
			rep.problem("registry %s: %d reachable blocks do not match their CID", hd.Name, r.Corrupt)
		}
		switch {
		case r.Missing > 0 && r.Own:
			rep.problem("registry %s: %d reachable blocks are missing", hd.Name, r.Missing)
		case r.Missing > 0:
			rep.Notes = append(rep.Notes, fmt.Sprintf("registry %s: %d reachable blocks were never fetched", hd.Name, r.Missing))
		}
	}
	return out
}

// fsckNeedsFetch reports whether a walk found blocks to refetch: corrupt
// ones anywhere, missing ones of the own registry.
func fsckNeedsFetch(regs []*fsckRegistry) bool {
	for _, r := range regs {
		if r.Corrupt > 0 || (r.Own && r.Missing > 0) {
			return true
		}
	}
	return false
}

// fsckStored checks every stored block against its multihash; with
// repair, a corrupt one is quarantined.
func fsckStored(ctx context.Context, blocks *flatfs.Store, repair bool, rep *fsckReport) {
	corrupt := 0
	err := blocks.List(ctx, func(b flatfs.StoredBlock) error {
		rep.Stored++
		err := blocks.Check(ctx, b.Hash)
		if !errors.Is(err, registry.ErrCorruptBlock) {
			return nil
		}
		if repair && blocks.Quarantine(b.Hash) == nil {
			rep.Repaired = append(rep.Repaired, fmt.Sprintf("corrupt block %s moved to blocks/.quarantine", cid.NewCidV1(cid.Raw, b.Hash)))
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

func fsckExit(c *cli.Context, rep *fsckReport) error {
	if len(rep.Problems) == 0 {
		return nil
	}
	err := fmt.Errorf("fsck: %d problem(s), the first: %s", len(rep.Problems), rep.Problems[0])
	switch {
	case rep.network && fsckOnlyBlocksLeft(rep):
		return &cliError{err: err, code: exitNetwork, hint: "the missing blocks could not be fetched: check the gateways (svcreg remote ls, --gateway URL)"}
	case c.Bool("repair"):
		return &cliError{err: err, code: exitIntegrity, hint: "what is left could not be repaired here: fetch it with --gateway URL, or restore SVCREG_HOME from a backup"}
	}
	return &cliError{err: err, code: exitIntegrity, hint: "run 'svcreg fsck --repair'"}
}

// fsckOnlyBlocksLeft reports whether every problem left is a registry's
// missing or corrupt blocks (one line each, from fsckWalk): then a
// gateway that answers could repair them all.
func fsckOnlyBlocksLeft(rep *fsckReport) bool {
	lines := 0
	for _, r := range rep.Registries {
		if r.Corrupt > 0 {
			lines++
		}
		if r.Own && r.Missing > 0 {
			lines++
		}
	}
	return lines == len(rep.Problems)
}

func printFsck(w io.Writer, rep *fsckReport) {
	fmt.Fprintf(w, "index: %s\n", rep.Index)
	for _, r := range rep.Registries {
		who := "followed"
		if r.Own {
			who = "own"
		}
		fmt.Fprintf(w, "registry %s (%s): seq %d, %d blocks ok, %d missing, %d corrupt\n", r.Name, who, r.Seq, r.Blocks, r.Missing, r.Corrupt)
	}
	fmt.Fprintf(w, "stored blocks: %d\n", rep.Stored)
	for _, s := range rep.Repaired {
		fmt.Fprintf(w, "repaired: %s\n", s)
	}
	for _, s := range rep.Notes {
		fmt.Fprintf(w, "note: %s\n", s)
	}
	for _, s := range rep.Problems {
		fmt.Fprintf(w, "problem: %s\n", s)
	}
}
