package bolt

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

// checkLockTimeout is how long checkFile waits for the shared lock when
// Open was given no timeout.
const checkLockTimeout = 30 * time.Second

// checkFile looks at the index file at path before bbolt maps it, so that
// a damaged file is an error wrapping ErrCorruptIndex instead of a SIGBUS
// (bbolt maps as many pages as its meta page says, whatever the file's
// size) or a silent re-initialisation (bbolt treats an empty file as new).
// It checks the file's size against the newest valid meta page and the
// page numbers that meta names. A missing file is fine: Open creates it
// (CheckLost has refused one that held heads).
// An empty file is treated as new only when no head file (HeadsDir) says
// the index held heads.
//
// A writer initialising a new file holds bbolt's lock while the file is
// still short, so a failed check is repeated under the shared lock before
// the file is declared damaged.
func checkFile(path string, timeout time.Duration) error {
	err := checkFileOnce(path)
	if err == nil || !errors.Is(err, ErrCorruptIndex) {
		return err
	}
	f, ferr := os.Open(path)
	if ferr != nil {
		return nil // gone: Open creates a new one
	}
	defer f.Close()
	if lerr := flockShared(f, timeout); lerr != nil {
		return lerr
	}
	defer funlock(f)
	return checkFileOnce(path)
}

// CheckLost fails with ErrCorruptIndex when the index file at path is
// missing but HeadsDir holds records: the index held heads and was lost,
// and a new, empty one would forget them (and their rollback floors).
// Open checks it (unless Options.Rebuild); a caller that does not open a
// missing file can ask it alone.
func CheckLost(path string) error {
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) || !hasHeadFiles(HeadsDir(path)) {
		return nil
	}
	return fmt.Errorf("open index %s: %w: the file is missing, but %s holds registry heads", path, ErrCorruptIndex, HeadsDir(path))
}

func checkFileOnce(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	if fi.Size() == 0 {
		if hasHeadFiles(HeadsDir(path)) {
			return fmt.Errorf("open index %s: %w: the file is empty, but %s holds registry heads", path, ErrCorruptIndex, HeadsDir(path))
		}
		return nil
	}
	m, err := layout.ReadMeta(f)
	if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	if err := m.Check(fi.Size()); err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	return nil
}
