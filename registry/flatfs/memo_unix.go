//go:build linux || darwin || freebsd || netbsd || openbsd

package flatfs

import (
	"io"
	"io/fs"
	"syscall"
)

// idOfStat returns the identity of the file version st describes.
func idOfStat(st *syscall.Stat_t) fileID {
	mtime, ctime := statTimes(st)
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size, mtime: mtime, ctime: ctime}
}

// readFileID reads file with the identity of the version read, taken
// from the open file so that the two belong together. It costs four
// system calls (open, fstat, one pread, close): no os.File, whose Open
// also registers the descriptor with the network poller and sets and
// clears O_NONBLOCK, and reads once more to find the end. ok is false
// when the file grew while it was read (another version). The bytes are
// read into buf when it has room for them and one byte more (the caller
// then owns them, as before), else into a new slice.
func readFileID(file string, buf []byte) (data []byte, id fileID, ok bool, err error) {
	fd, err := retry(func() (int, error) { return syscall.Open(file, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) })
	if err != nil {
		return nil, fileID{}, false, &fs.PathError{Op: "open", Path: file, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if _, err := retry(func() (int, error) { return 0, syscall.Fstat(fd, &st) }); err != nil {
		return nil, fileID{}, false, &fs.PathError{Op: "stat", Path: file, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, fileID{}, false, &fs.PathError{Op: "read", Path: file, Err: syscall.EINVAL}
	}
	// One byte more than the size: a file that grew is seen in the same read.
	if int64(cap(buf)) > st.Size {
		buf = buf[:st.Size+1]
	} else {
		buf = make([]byte, st.Size+1)
	}
	n := 0
	for n < len(buf) {
		m, err := retry(func() (int, error) { return syscall.Pread(fd, buf[n:], int64(n)) })
		if err != nil {
			return nil, fileID{}, false, &fs.PathError{Op: "read", Path: file, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	if int64(n) < st.Size {
		return nil, fileID{}, false, &fs.PathError{Op: "read", Path: file, Err: io.ErrUnexpectedEOF}
	}
	return buf[:st.Size:st.Size], idOfStat(&st), int64(n) == st.Size, nil
}

// statID returns the identity of the current version of file: one
// system call.
func statID(file string) (fileID, bool, error) {
	var st syscall.Stat_t
	if _, err := retry(func() (int, error) { return 0, syscall.Stat(file, &st) }); err != nil {
		return fileID{}, false, &fs.PathError{Op: "stat", Path: file, Err: err}
	}
	return idOfStat(&st), true, nil
}

// retry calls f again while it is interrupted by a signal, as package os
// does.
func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
