//go:build unix

package unixfs

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of f read-only, for Hash to hash in
// place. It returns nil (and the caller reads instead) where the file
// cannot be mapped: an empty file, a size past the address space, or a
// file system without mmap.
func mapFile(f *os.File, size int64) (data []byte, unmap func()) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil
	}
	data, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	return data, func() { _ = unix.Munmap(data) }
}

// releasePages drops the process's mappings of the pages of b, part of a
// file mapped by mapFile (MADV_DONTNEED: for a shared file mapping the
// pages stay in the page cache, and touching b again maps them back).
func releasePages(b []byte) {
	if len(b) > 0 {
		_ = unix.Madvise(b, unix.MADV_DONTNEED) // advice: without it, only more memory used
	}
}
