package flatfs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	mh "github.com/multiformats/go-multihash"
)

// Maintenance of the store: listing blocks with their age, removing
// unreachable ones and left-over temporary files (svcreg gc), checking
// and quarantining stored bytes (svcreg fsck).
//
// Blocks are keyed by multihash, as in kubo, so a stored block is named
// here by its multihash: a CID's codec is not on disk.

// quarantineDir holds blocks fsck found corrupt, out of the shard
// directories (which Query and Get read).
const quarantineDir = ".quarantine"

// StoredBlock is one block file.
type StoredBlock struct {
	Hash    mh.Multihash
	Size    int64
	ModTime time.Time // the last write or touch (Put of a stored block)
}

// Dir returns the store's directory; it need not exist yet (Open).
func (s *Store) Dir() string { return s.ds.root }

// Key returns the string by which a block is named in sets: its
// multihash bytes. Key(c) of a CID equals Key of its StoredBlock.
func Key(h mh.Multihash) string { return string(h) }

// List calls fn for every stored block, in no particular order.
func (s *Store) List(ctx context.Context, fn func(StoredBlock) error) error {
	shards, err := s.ds.readRoot()
	if err != nil {
		return fmt.Errorf("list blocks: %w", err)
	}
	for _, sh := range shards {
		if !sh.IsDir() || strings.HasPrefix(sh.Name(), ".") {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.ds.root, sh.Name()))
		if err != nil {
			return fmt.Errorf("list blocks: %w", err)
		}
		for _, f := range files {
			if err := ctx.Err(); err != nil {
				return err
			}
			name, ok := strings.CutSuffix(f.Name(), dataExt)
			if !ok || strings.HasPrefix(name, ".") {
				continue
			}
			h, err := dshelp.DsKeyToMultihash(ds.NewKey(name))
			if err != nil {
				continue // not a block file
			}
			fi, err := f.Info()
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed meanwhile
			} else if err != nil {
				return fmt.Errorf("list blocks: %w", err)
			}
			if err := fn(StoredBlock{Hash: h, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// Check reads the stored block h and checks that its bytes hash to h. It
// wraps registry.ErrBlockNotFound or registry.ErrCorruptBlock.
func (s *Store) Check(ctx context.Context, h mh.Multihash) error {
	// Any codec will do: only the multihash is compared. get, not Get:
	// a check leaves a corrupt block where it is (fsck --repair moves it).
	c := cid.NewCidV1(cid.Raw, h)
	data, err := s.bs.get(ctx, c, nil)
	_, err = blockData(c, data, err)
	return err
}

// RemoveIfOlder removes the block h if its file was last written or
// touched before cutoff, and reports whether it did. A publish touches
// every block it links before it moves a head, so a block that a
// concurrent publish is about to link is never older than that publish.
//
// The check and the removal are one step as far as a touch can tell: the
// file is first renamed aside (trashPrefix), then its time is read again
// and the file put back if a touch came in between; a touch after the
// rename finds no file, and the writer writes the block again.
func (s *Store) RemoveIfOlder(h mh.Multihash, cutoff time.Time) (bool, error) {
	dir, file, err := s.ds.path(dshelp.MultihashToDsKey(h))
	if err != nil {
		return false, err
	}
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("remove block: %w", err)
	}
	if !fi.ModTime().Before(cutoff) {
		return false, nil
	}
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	trash := filepath.Join(dir, trashPrefix+hex.EncodeToString(rnd[:])+"-"+filepath.Base(file))
	if err := os.Rename(file, trash); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("remove block: %w", err)
	}
	if fi, err = os.Stat(trash); err == nil && !fi.ModTime().Before(cutoff) {
		// touched meanwhile: a writer counts on it
		if err := os.Rename(trash, file); err != nil {
			return false, fmt.Errorf("remove block: put back %s: %w", file, err)
		}
		return false, nil
	}
	if err := os.Remove(trash); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("remove block: %w", err)
	}
	return true, nil
}

// trashPrefix names a block file RemoveIfOlder has renamed aside.
const trashPrefix = ".gc-"

// RestoreTrash puts back the block files a RemoveIfOlder killed between
// renaming them aside and deciding left behind, so that gc decides about
// them again. It returns how many it put back.
func (s *Store) RestoreTrash() (int, error) {
	shards, err := s.ds.readRoot()
	if err != nil {
		return 0, fmt.Errorf("restore blocks: %w", err)
	}
	n := 0
	for _, sh := range shards {
		if !sh.IsDir() || strings.HasPrefix(sh.Name(), ".") {
			continue
		}
		dir := filepath.Join(s.ds.root, sh.Name())
		files, err := os.ReadDir(dir)
		if err != nil {
			return n, fmt.Errorf("restore blocks: %w", err)
		}
		for _, f := range files {
			rest, ok := strings.CutPrefix(f.Name(), trashPrefix)
			_, name, ok2 := strings.Cut(rest, "-")
			if !ok || !ok2 || !strings.HasSuffix(name, dataExt) {
				continue
			}
			if err := os.Rename(filepath.Join(dir, f.Name()), filepath.Join(dir, name)); err == nil {
				n++
			}
		}
	}
	return n, nil
}

// Quarantine moves the block file h out of the store (into .quarantine
// in the store's directory), so that it is never served and a Put writes
// a good copy.
func (s *Store) Quarantine(h mh.Multihash) error { return s.ds.quarantine(h) }

// quarantine moves the file of block h into quarantineDir, where it is
// never read again, so that the next Put writes an intact copy and no
// read meets the damaged one twice. A file already gone is no error.
func (d *dirStore) quarantine(h mh.Multihash) error {
	_, file, err := d.path(dshelp.MultihashToDsKey(h))
	if err != nil {
		return err
	}
	q := filepath.Join(d.root, quarantineDir)
	if err := os.MkdirAll(q, 0o755); err != nil {
		return fmt.Errorf("quarantine block: %w", err)
	}
	dst := filepath.Join(q, fmt.Sprintf("%s.%d", filepath.Base(file), time.Now().UnixNano()))
	if err := os.Rename(file, dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("quarantine block: %w", err)
	}
	return nil
}

// quarantined reports whether a copy of block h was quarantined.
func (d *dirStore) quarantined(h mh.Multihash) bool {
	_, file, err := d.path(dshelp.MultihashToDsKey(h))
	if err != nil {
		return false
	}
	m, _ := filepath.Glob(filepath.Join(d.root, quarantineDir, filepath.Base(file)+".*"))
	return len(m) > 0
}

// TempFile is a temporary file a writer left in the store.
type TempFile struct {
	Path    string
	Size    int64
	ModTime time.Time
}

// Temps returns the temporary files (a writer's .put-* file, left when it
// was killed between creating and renaming it) last modified before
// cutoff. Files of writers still at work are younger than any sensible
// cutoff.
func (s *Store) Temps(cutoff time.Time) ([]TempFile, error) {
	var out []TempFile
	add := func(dir string) error {
		es, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) && dir == s.ds.root {
			return nil // not created yet
		} else if err != nil {
			return err
		}
		for _, e := range es {
			if !strings.HasPrefix(e.Name(), tmpPrefix) || e.IsDir() {
				continue
			}
			fi, err := e.Info()
			if err != nil || !fi.ModTime().Before(cutoff) {
				continue
			}
			out = append(out, TempFile{Path: filepath.Join(dir, e.Name()), Size: fi.Size(), ModTime: fi.ModTime()})
		}
		return nil
	}
	if err := add(s.ds.root); err != nil {
		return nil, fmt.Errorf("list temporary files: %w", err)
	}
	shards, err := s.ds.readRoot()
	if err != nil {
		return nil, fmt.Errorf("list temporary files: %w", err)
	}
	for _, sh := range shards {
		if sh.IsDir() && !strings.HasPrefix(sh.Name(), ".") {
			if err := add(filepath.Join(s.ds.root, sh.Name())); err != nil {
				return nil, fmt.Errorf("list temporary files: %w", err)
			}
		}
	}
	return out, nil
}

// touchBlock marks the stored block c as just written (its mtime), so
// that gc's grace period counts from the last publish that linked it. It
// reports gone when the file no longer exists (gc removed it): the caller
// then writes it again.
func (d *dirStore) touchBlock(c cid.Cid) (gone bool, err error) {
	_, file, err := d.path(dshelp.MultihashToDsKey(c.Hash()))
	if err != nil {
		return false, err
	}
	return touchGone(file), nil
}

// touchBlockGone is touchBlock for callers that only need to know
// whether the block is gone.
func (d *dirStore) touchBlockGone(c cid.Cid) bool {
	gone, err := d.touchBlock(c)
	return err == nil && gone
}

// touchGone sets the modification time of file to now and reports whether
// the file is gone (gc removed it: the caller writes it again). Other
// errors are ignored: a store this process may read but not write
// (another user's home) is not its gc's to protect.
func touchGone(file string) bool {
	now := time.Now()
	return errors.Is(os.Chtimes(file, now, now), fs.ErrNotExist)
}

// touched is needsWrite's answer for an intact stored block: it touches
// the block and asks for a write only if gc removed it meanwhile.
func (v *verifiedBlockstore) touched(c cid.Cid) (bool, error) {
	if v.dir == nil {
		return false, nil
	}
	return v.dir.touchBlock(c)
}
