package unixfs

import (
	"errors"

	"github.com/svcreg/svcreg/registry"
)

// ErrNotDirectory is returned when Import is given a path that is not a
// directory, or when Export is given a root that is not a UnixFS directory.
var ErrNotDirectory = errors.New("not a directory")

// ErrUnknownProfile is returned when a profile name is neither ProfileV1 nor
// ProfileV0.
var ErrUnknownProfile = errors.New("unknown unixfs profile")

// ErrUnsafeSymlink is returned when Export meets a symlink whose target is
// absolute or could leave the destination directory through "..".
var ErrUnsafeSymlink = errors.New("unsafe symlink target")

// ErrUnsafeName is returned when Export meets a directory entry whose name is
// empty, ".", "..", or contains a slash or a NUL byte.
var ErrUnsafeName = errors.New("unsafe entry name")

// ErrSymlinkOutput is returned when the output directory given to
// ExportAll is a symlink: svcreg writes only into directories it was
// named, never through a link to somewhere else.
var ErrSymlinkOutput = errors.New("output directory is a symlink")

// ErrSizeMismatch is returned by ExportSize when the files of a DAG do
// not add up to the size its release declares, or a file's blocks do not
// hold the bytes its node declares.
var ErrSizeMismatch = errors.New("content size does not match")

// ErrTooLarge is returned when a tree expands beyond the Limits it is
// checked or exported with: more bytes of files, more entries or more
// directory levels than allowed. A DAG of a few blocks whose directories
// link the same subtree many times is refused this way before anything
// is written.
var ErrTooLarge = errors.New("content expands beyond the limits")

// ErrSpecialFile is returned when Import meets a socket, device, fifo or any
// other file that is neither regular, a directory nor a symlink.
var ErrSpecialFile = errors.New("special file not supported")

// ErrCorruptBlock is returned when a block read during Export does not hash
// to its CID. It is registry.ErrCorruptBlock, so callers can test either.
var ErrCorruptBlock = registry.ErrCorruptBlock

// ErrUnsafeTree is returned (as an UnsafeTreeError) when Import or Hash
// is given a directory that holds a svcreg home or a private key file:
// publishing it would publish the key.
var ErrUnsafeTree = errors.New("the directory holds a svcreg home or private key")

// ErrInvalidPattern is returned when a pattern of Options.Exclude or a
// rule of IgnoreFile is malformed, or IgnoreFile is not a small regular
// file.
var ErrInvalidPattern = errors.New("invalid ignore pattern")

// ErrFileChanged is returned when a file shrinks while Hash reads it.
var ErrFileChanged = errors.New("file changed while it was read")
