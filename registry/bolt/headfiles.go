package bolt

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(rdir, ".put-"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write head file: %w", err)
	}
	_, err = f.Write(record)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(rdir, seqFile(seq)))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write head file: %w", err)
	}
	if sync {
		if d, err := os.Open(rdir); err == nil {
			d.Sync()
			d.Close()
		}
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
