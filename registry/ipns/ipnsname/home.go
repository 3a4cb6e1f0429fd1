package ipnsname

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
)

// ErrHomePermissions is returned when a registry home, or a file or
// directory directly in it, can be written by its group or others.
var ErrHomePermissions = errors.New("writable by group or others")

// HomePermissionError names the path of a home that others may write.
type HomePermissionError struct {
	Path string
	Mode fs.FileMode
}

func (e *HomePermissionError) Error() string {
	return fmt.Sprintf("unsafe home: %s is %v (mode %04o)", e.Path, ErrHomePermissions, e.Mode.Perm())
}

// Unwrap returns ErrHomePermissions.
func (e *HomePermissionError) Unwrap() error { return ErrHomePermissions }

// CheckHome refuses a home that others could change behind its owner's
// back, as OpenSSH's StrictModes refuses such a ~/.ssh: the directory dir,
// and every directory and file directly in it (the block store, the
// records, the index, the key; a symbolic link is judged by its target),
// must not be writable by the group or by others. The index is trusted
// as it is read, so whoever may write it may make the registry lie.
// Deeper levels are not checked: every block is verified against its CID
// and every record against its signature as it is read. A home that does
// not exist yet passes; the error is a *HomePermissionError.
func CheckHome(dir string) error {
	if runtime.GOOS == "windows" { // no Unix permission bits to check
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // missing (it will be created) or unusable: opening it says why
	}
	if err := notWritableByOthers(dir, fi); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // unreadable: opening what is in it says why
	}
	for _, e := range entries {
		p := join(dir, e.Name())
		fi, err := os.Stat(p) // a link's target
		if err != nil {
			continue // gone, or a dangling link: nothing to trust
		}
		if err := notWritableByOthers(p, fi); err != nil {
			return err
		}
	}
	return nil
}

func notWritableByOthers(path string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o022 != 0 {
		return &HomePermissionError{Path: path, Mode: fi.Mode()}
	}
	return nil
}

// join is filepath.Join(dir, name) for a clean dir and a plain name, the
// form CheckHome is given them in: path/filepath is among the packages Go
// initialises late (docs/ARCHITECTURE.md), and the warm resolve, which
// calls CheckHome, must not wait for it.
func join(dir, name string) string {
	if dir != "" && os.IsPathSeparator(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + string(os.PathSeparator) + name
}
