package unixfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
)

// slot is one tree ExportAll puts in place.
type slot struct {
	final  string // dir/name
	staged string // where the new tree was exported
	old    string // where the previous tree was moved; "" if there was none
	moved  bool   // whether staged is now at final
}

// ExportAll writes each tree in trees (name → UnixFS root) to dir/name,
// all or nothing. Every tree is first exported, each block verified as in
// Export, into a staging directory inside dir; only when all succeeded is
// each moved into place: an existing dir/name is renamed aside, the new
// tree renamed in, and the old one removed at the end. If a rename fails,
// the trees already moved are put back. Entries of dir that are not in
// trees are left alone.
//
// dir itself must not be a symlink (ErrSymlinkOutput): it is refused
// rather than followed. Names must be single, non-hidden path elements (ErrUnsafeName). An
// existing dir/name that is not a directory, such as a symlink, is refused
// (fs.ErrExist) rather than replaced. A missing block wraps
// registry.ErrBlockNotFound, a corrupt one ErrCorruptBlock. On failure,
// the directories ExportAll created for dir are removed again.
func ExportAll(ctx context.Context, bs blockstore.Blockstore, dir string, trees map[string]cid.Cid) error {
	return ExportAllSized(ctx, bs, dir, trees, nil, Limits{})
}

// ExportAllSized is ExportAll for releases that declare their sizes: the
// tree named n is exported with ExportSize, sizes[n] (when sizes has n)
// and lim, so a tree whose files do not add up to its size
// (ErrSizeMismatch) or that expands beyond lim (ErrTooLarge) is refused
// before anything of it is written. lim applies to each tree on its own.
func ExportAllSized(ctx context.Context, bs blockstore.Blockstore, dir string, trees map[string]cid.Cid, sizes map[string]uint64, lim Limits) error {
	return ExportAllSizedProgress(ctx, bs, dir, trees, sizes, lim, nil)
}

// ExportAllSizedProgress is ExportAllSized calling progress, when not
// nil, with the files and bytes of file content written so far, over all
// trees.
func ExportAllSizedProgress(ctx context.Context, bs blockstore.Blockstore, dir string, trees map[string]cid.Cid, sizes map[string]uint64, lim Limits, progress ExportProgress) (err error) {
	prog := newWriteCounter(progress)
	names := slices.Sorted(maps.Keys(trees))
	for _, n := range names {
		if !safeName(n) || strings.HasPrefix(n, ".") {
			return fmt.Errorf("install %q into %s: %w", n, dir, ErrUnsafeName)
		}
	}
	created, err := makeOutputDir(dir)
	if err != nil {
		return err
	}
	slots := make([]*slot, 0, len(names))
	defer func() {
		for _, s := range slots {
			if s.staged != "" && !s.moved {
				os.RemoveAll(s.staged)
			}
		}
		if err != nil {
			for _, d := range created { // deepest first; only if still empty
				os.Remove(d)
			}
		}
	}()
	for _, n := range names {
		size := int64(-1)
		if sz, ok := sizes[n]; ok {
			size = int64(min(sz, math.MaxInt64))
		}
		s, serr := stage(ctx, bs, dir, n, trees[n], size, lim, prog)
		if serr != nil {
			return serr
		}
		slots = append(slots, s)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := swapIn(slots); err != nil {
		return err
	}
	var errs []error
	for _, s := range slots {
		if s.old != "" {
			if err := os.RemoveAll(s.old); err != nil {
				errs = append(errs, fmt.Errorf("remove the previous %s: %w", s.final, err))
			}
		}
	}
	return errors.Join(errs...)
}

// stage exports root into a new hidden directory in dir, after checking
// that dir/name may be replaced.
func stage(ctx context.Context, bs blockstore.Blockstore, dir, name string, root cid.Cid, size int64, lim Limits, prog *writeCounter) (*slot, error) {
	s := &slot{final: filepath.Join(dir, name)}
	if fi, err := os.Lstat(s.final); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("install %s: %w and is not a directory; remove it first", s.final, fs.ErrExist)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("install %s: %w", s.final, err)
	}
	staged, err := freshName(dir, ".svcreg-new-"+name+"-")
	if err != nil {
		return nil, err
	}
	if err := export(ctx, bs, root, staged, size, lim, prog); err != nil {
		return nil, fmt.Errorf("install %s: %w", s.final, notFound(err))
	}
	s.staged = staged
	return s, nil
}

// swapIn moves every staged tree into place, putting everything back if a
// rename fails.
func swapIn(slots []*slot) error {
	for i, s := range slots {
		if err := s.swap(); err != nil {
			for _, done := range slices.Backward(slots[:i]) {
				done.undo()
			}
			return err
		}
	}
	return nil
}

func (s *slot) swap() error {
	if _, err := os.Lstat(s.final); err == nil {
		old, err := freshName(filepath.Dir(s.final), ".svcreg-old-"+filepath.Base(s.final)+"-")
		if err != nil {
			return err
		}
		if err := os.Rename(s.final, old); err != nil {
			return fmt.Errorf("install %s: move the previous tree aside: %w", s.final, err)
		}
		s.old = old
	}
	if err := os.Rename(s.staged, s.final); err != nil {
		if s.old != "" {
			os.Rename(s.old, s.final)
			s.old = ""
		}
		return fmt.Errorf("install %s: %w", s.final, err)
	}
	s.moved = true
	return nil
}

// undo puts back what swap did: the new tree returns to staging (removed
// later) and the old one to its place.
func (s *slot) undo() {
	if s.moved && os.Rename(s.final, s.staged) == nil {
		s.moved = false
	}
	if s.old != "" && os.Rename(s.old, s.final) == nil {
		s.old = ""
	}
}

// freshName returns an unused path in dir whose name starts with prefix.
func freshName(dir, prefix string) (string, error) {
	p, err := os.MkdirTemp(dir, prefix)
	if err != nil {
		return "", err
	}
	return p, os.Remove(p)
}

// makeOutputDir creates dir when it is missing and refuses it when it is
// a symlink or not a directory. The check is made on dir itself with
// Lstat, once; everything below it is created or checked by ExportAll. It
// returns the directories it created, deepest first, for ExportAll to
// remove again on failure.
func makeOutputDir(dir string) ([]string, error) {
	fi, err := os.Lstat(dir)
	var created []string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		created = missingDirs(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("install into %s: %w", dir, err)
		}
		fi, err = os.Lstat(dir)
		if err != nil {
			return created, fmt.Errorf("install into %s: %w", dir, err)
		}
	case err != nil:
		return nil, fmt.Errorf("install into %s: %w", dir, err)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return created, fmt.Errorf("install into %s: %w", dir, ErrSymlinkOutput)
	case !fi.IsDir():
		return created, fmt.Errorf("install into %s: %w and is not a directory", dir, fs.ErrExist)
	}
	return created, nil
}

// missingDirs returns dir and those of its parents that do not exist,
// deepest first.
func missingDirs(dir string) []string {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	return missing
}
