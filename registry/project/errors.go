package project

import (
	"errors"
	"fmt"
)

var (
	// ErrProjectUnreadable is returned by Load when the project file
	// cannot be opened; the error wraps the cause (fs.ErrNotExist, …).
	ErrProjectUnreadable = errors.New("project file cannot be opened")
	// ErrSameFile is returned by Load when the project file and its
	// lockfile are one path.
	ErrSameFile = errors.New("the lock file and the project file are one file")
	// ErrLockMissing is returned by ReadLock when the lockfile does not
	// exist; the error wraps fs.ErrNotExist too.
	ErrLockMissing = errors.New("lockfile does not exist")
	// ErrLockUnreadable is returned by ReadLock when the lockfile cannot
	// be decoded (malformed, a merge conflict, unknown keys); the error
	// wraps manifest.ErrInvalidLock too.
	ErrLockUnreadable = errors.New("lockfile cannot be decoded")
	// ErrNotCanonical is the Err of a finding that the lockfile is not in
	// canonical form.
	ErrNotCanonical = errors.New("lockfile is not in canonical form")
)

// NameError is returned by Load when the registry the project file names
// is not a registry name, or a domain whose DNSLink gives none.
type NameError struct {
	Path string // the project file
	Err  error  // the resolver's error
}

func (e *NameError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns the resolver's error.
func (e *NameError) Unwrap() error { return e.Err }

// classed is err in a class: its message is err's, and errors.Is finds
// both.
type classed struct{ class, err error }

func (e *classed) Error() string   { return e.err.Error() }
func (e *classed) Unwrap() []error { return []error{e.class, e.err} }

// inClass returns err in class, keeping err's message.
func inClass(class, err error) error { return &classed{class: class, err: err} }

// sameFile is ErrSameFile for path, in the words the command line prints.
func sameFile(path string) error {
	return inClass(ErrSameFile, fmt.Errorf("the lock file and the project file are both %s", path))
}
