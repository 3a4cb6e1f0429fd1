//go:build unix

package unixfs

import (
	"io/fs"
	"syscall"
)

// readSmall reads the regular file at path when it holds at most max
// bytes and returns a copy of them (in a buffer from out, which may be
// nil); large reports a longer one. buf is
// the caller's scratch space, grown up to max+1 bytes as files need it
// and returned for the next call. It uses bare system calls: os.Open
// would also register the descriptor with the network poller (two more
// calls per file), which for thousands of small files costs more than the
// reads. O_NOFOLLOW refuses a symlink swapped in since the directory was
// listed, as the import never follows symlinks.
func readSmall(path string, buf []byte, max int, out *smallBufs) (data []byte, large bool, scratch []byte, err error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	})
	if err != nil {
		return nil, false, buf, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	n, statted := 0, false
	for n <= max {
		if n == len(buf) {
			// The file fills the buffer: its size says whether to grow the
			// buffer or to stop here (a large file is not read twice).
			want := 2*len(buf) + 4096
			if !statted {
				statted = true
				var st syscall.Stat_t
				if err := syscall.Fstat(fd, &st); err == nil {
					if st.Size > int64(max) {
						return nil, true, buf, nil
					}
					if int(st.Size) >= want {
						want = int(st.Size) + 1
					}
				}
			}
			buf = append(buf, make([]byte, min(max+1, want)-len(buf))...)
		}
		m, err := ignoringEINTR(func() (int, error) { return syscall.Read(fd, buf[n:]) })
		if err != nil {
			return nil, false, buf, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			data = out.get(n)
			copy(data, buf)
			return data, false, buf, nil
		}
		n += m
	}
	return nil, true, buf, nil
}

func ignoringEINTR(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
