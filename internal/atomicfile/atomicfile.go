// Package atomicfile replaces files so that readers, and a crash, see
// either the old content or the new, never part of it: the new content
// goes to a temporary file beside the target (named TempPrefix + random
// hex, which svcreg gc removes when a killed writer leaves one), is
// synced, renamed over the target, and the directory is synced so the
// rename itself survives a crash. It is the one helper for this job in
// svcreg: lockfiles, config.json, CAR exports, record files, the block
// store's files.
//
// WriteOutput is for paths a user names (-o FILE, --lock FILE): a target
// that exists and is not a regular file — a device such as /dev/null, a
// FIFO — is written in place, never renamed over (replacing /dev/null
// with a regular file would break the machine), and a directory is
// ErrIsDir. Write and WriteFile, for the files svcreg keeps in its home,
// always replace: a device or symlink planted there is never written
// through.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrIsDir is returned when the path to write is a directory.
var ErrIsDir = errors.New("is a directory")

// TempPrefix starts the name of every temporary file Write creates.
const TempPrefix = ".put-"

// WriteFile replaces path with data, with permissions perm (before the
// umask). With sync unset nothing is fsynced (for tests and benchmarks
// that opt out of durability).
func WriteFile(path string, data []byte, perm fs.FileMode, sync bool) error {
	return Write(path, perm, sync, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces path with what fn writes, as WriteFile does. When fn or
// any step fails, path is unchanged and the temporary file removed.
// Concurrent writers of one path all succeed; the last rename wins.
func Write(path string, perm fs.FileMode, sync bool, fn func(io.Writer) error) error {
	dir := filepath.Dir(path)
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	tmp := filepath.Join(dir, TempPrefix+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return &fs.PathError{Op: "write", Path: path, Err: pe.Err} // path, not the temporary file's name
	} else if err != nil {
		return err
	}
	err = fn(f)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if sync {
		return SyncDir(dir)
	}
	return nil
}

// WriteOutput writes what fn writes to path, a file a user named: in
// place when path is a device, FIFO or socket (Special), else replacing
// it as Write does, synced. A directory is ErrIsDir.
func WriteOutput(path string, perm fs.FileMode, fn func(io.Writer) error) error {
	if special, err := Special(path); err != nil {
		return err
	} else if special {
		return WriteInPlace(path, fn)
	}
	return Write(path, perm, true, fn)
}

// Special reports whether path exists and is neither a regular file nor a
// directory (a device, FIFO or socket; symlinks are followed): such a
// target is written in place, never replaced. A directory is ErrIsDir.
func Special(path string) (bool, error) {
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return false, nil // missing (or unreadable: the write says why)
	case fi.IsDir():
		return false, fmt.Errorf("write %s: %w", path, ErrIsDir)
	}
	return !fi.Mode().IsRegular(), nil
}

// WriteInPlace writes what fn writes to the existing file at path, opened
// for writing without creating or truncating it: for devices and FIFOs,
// where there is nothing to replace atomically.
func WriteInPlace(path string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = fn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// SyncDir fsyncs the directory dir, making the names in it durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}
