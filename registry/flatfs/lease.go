package flatfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// leaseDir is the directory, inside the store's root, of the files that
// mark writers at work (Store.Lease).
const leaseDir = ".writers"

// leasePrefix starts the name of a lease file; a file being made has the
// temporary prefix instead, and is never taken for a lease.
const leasePrefix = "lease-"

// A Lease marks a writer of the store at work, in any process, from
// Store.Lease until Release: it is a file in the store whose lock the
// writer holds, and whose modification time is the lease's start. Every
// block file the writer writes or touches meanwhile is at least that
// young, so gc, which keeps everything written since the oldest live
// lease began (Store.OldestLease), never removes a block or temporary file
// of a writer that has not linked it from a head yet, whatever its grace.
type Lease struct {
	// Start is the lease file's modification time: the file system's
	// clock, which stamps the block files too.
	Start time.Time
	f     *os.File // open, holding the lock
	name  string
}

// Lease starts a lease on the store; the caller releases it once what it
// wrote is linked from a head (or abandoned).
func (s *Store) Lease() (*Lease, error) {
	if err := s.ds.ensure(); err != nil {
		return nil, fmt.Errorf("start lease: %w", err)
	}
	dir := filepath.Join(s.ds.root, leaseDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("start lease: %w", err)
	}
	// Locked before it gets its name, so that a lease file under its name
	// is always locked while its writer lives.
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("start lease: %w", err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("start lease: %w", err)
	}
	name := filepath.Join(dir, leasePrefix+strings.TrimPrefix(filepath.Base(f.Name()), tmpPrefix))
	if err := os.Rename(f.Name(), name); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("start lease: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		os.Remove(name)
		return nil, fmt.Errorf("start lease: %w", err)
	}
	return &Lease{Start: fi.ModTime(), f: f, name: name}, nil
}

// Release ends the lease. It is safe to call more than once.
func (l *Lease) Release() {
	if l == nil || l.f == nil {
		return
	}
	os.Remove(l.name)
	l.f.Close() // drops the lock
	l.f = nil
}

// OldestLease returns the start of the oldest lease still held, by any
// process; ok is false when there is none. A lease file whose lock nobody
// holds (its writer was killed) is removed, unless keep is set.
func (s *Store) OldestLease(keep bool) (oldest time.Time, ok bool, err error) {
	dir := filepath.Join(s.ds.root, leaseDir)
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("list leases: %w", err)
	}
	for _, e := range es {
		if !strings.HasPrefix(e.Name(), leasePrefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		start, live, err := leaseStart(p)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("read lease: %w", err)
		}
		if !live {
			if !keep {
				os.Remove(p)
			}
			continue
		}
		if !ok || start.Before(oldest) {
			oldest, ok = start, true
		}
	}
	return oldest, ok, nil
}

// leaseStart returns the start of the lease file at p and whether its
// writer still holds it. A file gone meanwhile is not live.
func leaseStart(p string) (time.Time, bool, error) {
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return time.Time{}, false, err
	}
	held, err := lockHeld(f)
	if err != nil {
		return time.Time{}, false, err
	}
	return fi.ModTime(), held, nil
}
