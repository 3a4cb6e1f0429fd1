package bolt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcreg/svcreg/internal/atomicfile"
)

// HeadsDir returns the directory beside the index file at indexPath in
// which SwapHead keeps each registry's latest signed record as a file:
// HeadsDir/<name>/<seq, 20 digits>. The files survive the loss of the
// index, so that it can be rebuilt (svcreg fsck --repair) without losing
// the rollback floor. They hold the same bytes as Head.Record.
func HeadsDir(indexPath string) string {
	return filepath.Join(filepath.Dir(indexPath), "heads")
}

// HeadFile is one record file in HeadsDir.
type HeadFile struct {
	Name   string // the registry's IPNS name
	Seq    uint64 // the sequence in the file name; the record must agree
	Record []byte
}

// ReadHeadFiles returns every record file in dir, for each registry the
// highest sequence first. Files whose names are not a registry name and a
// sequence are skipped. A missing dir is no error.
func ReadHeadFiles(dir string) ([]HeadFile, error) {
	names, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read heads: %w", err)
	}
	var out []HeadFile
	for _, n := range names {
		if !n.IsDir() || !safeRegistryName(n.Name()) {
			continue
		}
		seqs, err := headSeqs(filepath.Join(dir, n.Name()))
		if err != nil {
			return nil, err
		}
		for _, seq := range slices.Backward(seqs) {
			b, err := os.ReadFile(filepath.Join(dir, n.Name(), seqFile(seq)))
			if err != nil {
				return nil, fmt.Errorf("read heads: %w", err)
			}
			out = append(out, HeadFile{Name: n.Name(), Seq: seq, Record: b})
		}
	}
	return out, nil
}

// headSeqs returns the sequences stored in a registry's heads directory,
// ascending.
func headSeqs(dir string) ([]uint64, error) {
	files, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("read heads: %w", err)
	}
	var seqs []uint64
	for _, f := range files {
		if seq, err := strconv.ParseUint(f.Name(), 10, 64); err == nil && len(f.Name()) == 20 {
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	return seqs, nil
}

func seqFile(seq uint64) string { return fmt.Sprintf("%020d", seq) }

// safeRegistryName reports whether name can be a file name: IPNS names
// are base36 (k51…), so only a-z and 0-9 are allowed.
func safeRegistryName(name string) bool {
	if name == "" || len(name) > 200 {
		return false
	}
	return strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// writeHeadFile stores record as the file of name at seq, atomically and
// durably (sync: fsync the file and the directory).
func writeHeadFile(dir, name string, seq uint64, record []byte, sync bool) error {
	if len(record) == 0 || !safeRegistryName(name) {
		return nil
	}
	rdir := filepath.Join(dir, name)
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		return fmt.Errorf("write head file: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(rdir, seqFile(seq)), record, 0o600, sync); err != nil {
		return fmt.Errorf("write head file: %w", err)
	}
	return nil
}

// pruneHeadFiles removes the record files of name below seq. Files are
// immutable per sequence, so concurrent writers at worst leave an older
// one behind, which the next prune removes; the highest always stays.
func pruneHeadFiles(dir, name string, seq uint64) {
	rdir := filepath.Join(dir, name)
	seqs, _ := headSeqs(rdir)
	for _, s := range seqs {
		if s < seq {
			os.Remove(filepath.Join(rdir, seqFile(s)))
		}
	}
}

// hasHeadFiles reports whether dir holds a record file of any registry.
func hasHeadFiles(dir string) bool {
	files, err := ReadHeadFiles(dir)
	return err == nil && len(files) > 0
}

// SaveHeadFiles writes the record file of every head that has none at
// its sequence (an index from before head files, or one rebuilt). It
// returns the names of the registries whose file it wrote.
func (c *Index) SaveHeadFiles(ctx context.Context) ([]string, error) {
	if c.readOnly {
		return nil, fmt.Errorf("save head files: %w", ErrReadOnly)
	}
	heads, err := c.Heads(ctx)
	if err != nil {
		return nil, err
	}
	var wrote []string
	for _, h := range heads {
		seqs, err := headSeqs(filepath.Join(c.heads, h.Name))
		if err != nil {
			return wrote, err
		}
		if len(h.Record) == 0 || slices.Contains(seqs, h.Seq) {
			continue
		}
		if err := writeHeadFile(c.heads, h.Name, h.Seq, h.Record, c.sync); err != nil {
			return wrote, err
		}
		pruneHeadFiles(c.heads, h.Name, h.Seq)
		wrote = append(wrote, h.Name)
	}
	return wrote, nil
}

// RemoveTempHeadFiles removes the temporary files that writers killed
// while writing a record file left in dir, if last modified before
// cutoff, and returns their paths (only listed with dryRun).
func RemoveTempHeadFiles(dir string, cutoff time.Time, dryRun bool) ([]string, error) {
	names, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if !n.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(dir, n.Name()))
		if err != nil {
			return out, err
		}
		for _, f := range files {
			fi, err := f.Info()
			if err != nil || !strings.HasPrefix(f.Name(), atomicfile.TempPrefix) || !fi.ModTime().Before(cutoff) {
				continue
			}
			p := filepath.Join(dir, n.Name(), f.Name())
			if !dryRun {
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return out, err
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}
