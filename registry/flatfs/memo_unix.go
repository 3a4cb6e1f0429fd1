//go:build linux || darwin || freebsd || netbsd || openbsd

package flatfs

import (
	"os"
	"syscall"
)

// idOf returns the identity of the file version fi describes.
func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	mtime, ctime := statTimes(st)
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size, mtime: mtime, ctime: ctime}, true
}
