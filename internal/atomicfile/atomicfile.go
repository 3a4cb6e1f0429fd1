// Package atomicfile replaces files so that readers, and a crash, see
// either the old content or the new, never part of it: the new content
// goes to a temporary file beside the target (named TempPrefix + random
// hex, which svcreg gc removes when a killed writer leaves one), is
// synced, renamed over the target, and the directory is synced so the
// rename itself survives a crash. It is the one helper for this job in
// svcreg: lockfiles, config.json, CAR exports, record files, the block
// store's files.
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
