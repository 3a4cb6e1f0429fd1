package maint

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
)

// CheckOptions say what Check checks and may change.
type CheckOptions struct {
	// Blocks is the block store, opened with flatfs.Options.KeepCorrupt
	// (Check moves corrupt blocks itself, with Repair). Required.
	Blocks *flatfs.Store
	// IndexPath is the index file (index.db); its record files are in
	// bolt.HeadsDir(IndexPath). Required.
	IndexPath string
	// Own is the IPNS name of the home's own registry ("": none). Its
	// missing blocks are problems; a followed registry's are only counted.
	Own string
	// Repair rebuilds or advances the index, drops wrong cached
	// resolutions, quarantines corrupt stored blocks and fetches missing
	// or damaged ones from Sources.
	Repair bool
	// Sources returns where to fetch the blocks of the registry name from
	// (Repair only). An error is noted in the report as it is worded, and
	// the sources returned with it are still asked; no sources and no
	// error: none is known (noted too). nil: none for any registry.
	Sources func(name string) ([]registry.Source, error)
	// Now is the clock (nil: time.Now); it names a damaged index kept aside.
	Now func() time.Time
}

// IndexState says what Check found of the index, and did to it.
type IndexState string

// The states of the index in a Report.
const (
	IndexOK      IndexState = "ok"
	IndexMissing IndexState = "missing" // absent while heads/ holds records
	IndexDamaged IndexState = "damaged"
	IndexRebuilt IndexState = "rebuilt" // from the record files (Repair)
	IndexBehind  IndexState = "behind"  // a record file is newer than its head
	IndexUpdated IndexState = "updated" // moved forward to the record files (Repair)
)

// Report is what Check found and, with Repair, did. Problems, Notes and
// Repaired are sentences, in the order they were found.
type Report struct {
	Index      IndexState       `json:"index"`
	Registries []RegistryReport `json:"registries"`
	Stored     int              `json:"stored_blocks"` // blocks stored
	Problems   []string         `json:"problems"`
	Notes      []string         `json:"notes"`
	Repaired   []string         `json:"repaired"`
	// Unreachable says a fetch failed for want of a source that answered.
	Unreachable bool `json:"-"`
	repair      bool
}

// RegistryReport is what the walk of one registry's head found.
type RegistryReport struct {
	Name    string `json:"registry"`
	Own     bool   `json:"own"`
	Seq     uint64 `json:"seq"`
	Root    string `json:"root"`
	Blocks  int    `json:"blocks"`  // reached and intact
	Missing int    `json:"missing"` // reached and not stored
	Corrupt int    `json:"corrupt"` // reached and not matching their CID
	bad     map[cid.Cid]error
}

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

func (r *Report) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

func (r *Report) repaired(format string, args ...any) {
	r.Repaired = append(r.Repaired, fmt.Sprintf(format, args...))
}

// Check checks the index (its file, bbolt's consistency check, every
// value, every cached resolution against the manifest) and that it agrees
// with the record files beside it, walks every head — every state, index
// node, service and release's content — and checks every stored block
// against its CID. With Repair it fixes what it can (see CheckOptions).
//
// Problems found are in the report, not the error (Report.Err); the
// error is for a check that could not run: an index that is locked or
// unreadable, a records directory that cannot be read.
func Check(ctx context.Context, opt CheckOptions) (*Report, error) {
	if opt.Blocks == nil || opt.IndexPath == "" {
		return nil, errors.New("check: blocks and index path are required")
	}
	opt.Now = clock(opt.Now)
	rep := &Report{Problems: []string{}, Notes: []string{}, Repaired: []string{}, repair: opt.Repair}
	heads, err := checkIndex(ctx, opt, rep)
	if err != nil {
		return nil, err
	}
	if rep.Index != IndexDamaged && rep.Index != IndexMissing {
		if err := checkResolutions(ctx, opt, heads, rep); err != nil {
			return nil, err
		}
		noteEquivocations(ctx, opt.IndexPath, rep)
	}
	regs := walkAndFetch(ctx, opt, heads, rep)
	checkStored(ctx, opt.Blocks, opt.Repair, rep)
	for _, r := range regs {
		rep.Registries = append(rep.Registries, *r)
	}
	return rep, nil
}

// Err returns nil when no problem is left, else a *ProblemsError.
func (r *Report) Err() error {
	if len(r.Problems) == 0 {
		return nil
	}
	return &ProblemsError{
		Count: len(r.Problems), First: r.Problems[0], Repaired: r.repair,
		Unreachable: r.Unreachable && r.onlyBlocksLeft(),
	}
}

// onlyBlocksLeft reports whether every problem left is a registry's
// missing or corrupt blocks (one line each, from walk): then a source
// that answers could repair them all.
func (r *Report) onlyBlocksLeft() bool {
	lines := 0
	for _, g := range r.Registries {
		if g.Corrupt > 0 {
			lines++
		}
		if g.Own && g.Missing > 0 {
			lines++
		}
	}
	return lines == len(r.Problems)
}

// checkIndex checks the index against the record files and, with
// Repair, rebuilds or advances it. It returns the heads to walk.
func checkIndex(ctx context.Context, opt CheckOptions, rep *Report) ([]registry.Head, error) {
	heads, ierr := indexHeads(ctx, opt.IndexPath, true)
	missing := !fileExists(opt.IndexPath)
	fromFiles, failed, err := fileHeads(ctx, opt.IndexPath, opt.Blocks)
	if err != nil {
		return nil, err
	}
	for n, ferr := range failed {
		rep.problem("registry %s: no usable record beside the blocks: %v", n, ferr)
	}
	switch {
	case ierr != nil && !errors.Is(ierr, bolt.ErrCorruptIndex):
		return nil, ierr // locked, unreadable: not a check's to judge
	case ierr != nil || (missing && len(fromFiles) > 0):
		return rebuild(ctx, opt, rep, ierr, missing, fromFiles)
	}
	rep.Index = IndexOK
	return advance(ctx, opt, rep, heads, fromFiles)
}

// rebuild reports a damaged or missing index and, with Repair, rebuilds
// it from the record files.
func rebuild(ctx context.Context, opt CheckOptions, rep *Report, ierr error, missing bool, fromFiles []registry.Head) ([]registry.Head, error) {
	rep.Index = IndexDamaged
	if missing {
		rep.Index = IndexMissing
	}
	if ierr != nil {
		rep.problem("index: %v", ierr)
	} else {
		rep.problem("index: %s is missing, but heads/ holds records of %d registries", filepath.Base(opt.IndexPath), len(fromFiles))
	}
	if !opt.Repair {
		return fromFiles, nil
	}
	rep.Problems = rep.Problems[:0]
	roots := headRootFloors(ctx, opt.Blocks, fromFiles, rep)
	aside, err := rebuildIndex(ctx, opt.IndexPath, fromFiles, roots, opt.Now())
	if err != nil {
		return nil, fmt.Errorf("rebuild the index: %w", err)
	}
	rep.Index = IndexRebuilt
	rep.repaired("index rebuilt from the records of %d registries (cached resolutions dropped)", len(fromFiles))
	for _, h := range fromFiles {
		if rf, ok := roots[h.Name]; ok {
			rep.repaired("registry %s: root floor v%d (%s) restored from the root its head links", h.Name, rf.Version, rf.Root)
		}
	}
	if aside != "" {
		rep.note("the damaged index was kept as %s", filepath.Base(aside))
	}
	return fromFiles, nil
}

// advance compares the index's heads with the record files: a file
// newer than the index (a restored or rolled-back index) is a problem
// that Repair fixes by moving the index forward; a head without a file
// gets one written with Repair.
func advance(ctx context.Context, opt CheckOptions, rep *Report, heads, fromFiles []registry.Head) ([]registry.Head, error) {
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
	if !opt.Repair {
		if len(behind) > 0 {
			rep.Index = IndexBehind
		}
		return heads, nil
	}
	idx, err := bolt.Open(opt.IndexPath, nil)
	if err != nil {
		return nil, err
	}
	defer idx.Close()
	for _, f := range behind {
		if err := idx.SwapHead(ctx, byName[f.Name].Seq, f); err != nil {
			return nil, fmt.Errorf("move the index forward: %w", err)
		}
		byName[f.Name] = f
		rep.repaired("index: registry %s moved forward to seq %d", f.Name, f.Seq)
	}
	if len(behind) > 0 {
		rep.Index, rep.Problems = IndexUpdated, rep.Problems[:0]
	}
	wrote, err := idx.SaveHeadFiles(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range wrote {
		rep.repaired("record of %s saved beside the blocks", n)
	}
	heads = heads[:0]
	for _, hd := range byName {
		heads = append(heads, hd)
	}
	return heads, nil
}
