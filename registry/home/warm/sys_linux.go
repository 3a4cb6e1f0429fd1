//go:build linux && (amd64 || arm64)

package warm

import "unsafe"

// The warm path makes its system calls itself (sys_linux_*.s) and keeps
// what it reads in one fixed arena: package syscall waits for sync,
// errors and the packages that sort before them (see the package
// comment), and every first allocation of a size class costs fresh heap
// pages. Every buffer it hands the kernel is in the arena, which never
// moves, so passing its address as a uintptr through sys is safe
// whatever happens to the stack.

// rawSyscall makes system call trap and returns the kernel's result: a
// value in [-4095, -1] is an errno, negated. It does not tell the
// scheduler (as syscall.RawSyscall): the warm path makes only calls that
// return at once or, for the answer's write, that block the only
// goroutine there is.
func rawSyscall(trap, a1, a2, a3, a4, a5, a6 uintptr) (r uintptr)

// atFDCWD is AT_FDCWD, -100.
const atFDCWD = ^uintptr(99)

const (
	atSymlinkNoFollow = 0x100
	oCloexec          = 0o2000000
	lockSH, lockNB    = 1, 4
	protRead          = 1
	mapShared         = 1
	eINTR             = 4
	sIFMT, sIFREG     = 0o170000, 0o100000
)

// sys makes a system call, retrying it on EINTR, and returns its result
// or -1 and the errno. It does not grow the stack, so an address its
// caller converted to a uintptr stays valid.
//
//go:nosplit
func sys(trap, a1, a2, a3, a4 uintptr) (int, int) {
	for {
		r := rawSyscall(trap, a1, a2, a3, a4, 0, 0)
		switch {
		case r < ^uintptr(4095): // not in [-4095, -1]
			return int(r), 0
		case -r != eINTR:
			return -1, int(-r)
		}
	}
}

// open opens the NUL-terminated path read-only.
func open(path []byte, flags int) (int, bool) {
	fd, errno := sys(sysOpenat, atFDCWD, uintptr(unsafe.Pointer(&path[0])), uintptr(oCloexec|flags), 0)
	return fd, errno == 0
}

func closeFD(fd int) { sys(sysClose, uintptr(fd), 0, 0, 0) }

func read(fd int, b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, true
	}
	n, errno := sys(sysRead, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	return n, errno == 0
}

// mmap maps the first size bytes of fd read-only, shared (as bbolt maps
// its file): the kernel fills the pages it reads from the page cache,
// several at a time, and nothing is copied.
func mmap(fd int, size int64) ([]byte, bool) {
	if size <= 0 || uint64(size) > 1<<46 {
		return nil, false
	}
	r := rawSyscall(sysMmap, 0, uintptr(size), protRead, mapShared, uintptr(fd), 0)
	if r >= ^uintptr(4095) {
		return nil, false
	}
	// The mapping is not Go memory: its address, read as a pointer,
	// never points into the heap.
	addr := *(**byte)(unsafe.Pointer(&r))
	return unsafe.Slice(addr, size), true
}

func munmap(b []byte) {
	rawSyscall(sysMunmap, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0, 0, 0, 0)
}

// write writes b to fd once, returning how much was written.
func write(fd int, b []byte) (int, bool) {
	n, errno := sys(sysWrite, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	return n, errno == 0 && n > 0
}

func exit(code int) { rawSyscall(sysExitGroup, uintptr(code), 0, 0, 0, 0, 0) }

// stat is a struct stat, read at its offsets for this architecture.
type stat [statSize]byte

// newStat returns a stat buffer in the arena.
func newStat() (*stat, bool) {
	b, ok := alloc(statSize)
	if !ok {
		return nil, false
	}
	return (*stat)(b), true
}

func (st *stat) mode() uint32 { return le32(st[statMode:]) }
func (st *stat) size() int64  { return int64(le64(st[statSizeAt:])) }

// statPath stats the NUL-terminated path, following a last link unless
// flags has atSymlinkNoFollow.
func statPath(path []byte, st *stat, flags int) bool {
	_, errno := sys(sysNewfstatat, atFDCWD, uintptr(unsafe.Pointer(&path[0])), uintptr(unsafe.Pointer(&st[0])), uintptr(flags))
	return errno == 0
}

func fstat(fd int, st *stat) bool {
	_, errno := sys(sysFstat, uintptr(fd), uintptr(unsafe.Pointer(&st[0])), 0, 0)
	return errno == 0
}

// flockShared takes fd's shared lock without waiting.
func flockShared(fd int) bool {
	_, errno := sys(sysFlock, uintptr(fd), lockSH|lockNB, 0, 0)
	return errno == 0
}

// getdents reads directory entries (struct linux_dirent64) into b.
func getdents(fd int, b []byte) (int, bool) {
	n, errno := sys(sysGetdents64, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), 0)
	return n, errno == 0
}

// arena is the warm path's memory: a bump allocator over a fixed buffer
// (in the program's zero pages, touched only as far as it is used).
// The process's arguments and environment come first (base); each
// Answer starts again after them. What it gives out is valid until the
// next Answer.
var arena struct {
	buf     [1 << 20]byte
	n, base int
}

// alloc returns n bytes of the arena, or false when it is full. They are
// not cleared: every caller writes what it reads.
func alloc(n int) ([]byte, bool) {
	a := &arena
	if n < 0 || n > len(a.buf)-a.n {
		return nil, false
	}
	b := a.buf[a.n : a.n+n : a.n+n]
	a.n += n
	return b, true
}

// resetArena frees all but the arguments and environment.
func resetArena() { arena.n = arena.base }

// cstring returns dir, "/" and name (no "/" when name is empty) ended by
// a NUL, for a system call.
func cstring(dir, name string) ([]byte, bool) {
	n := len(dir) + 2 + len(name)
	b, ok := alloc(n)
	if !ok {
		return nil, false
	}
	i := copy(b, dir)
	if name != "" {
		b[i] = '/'
		i++
		i += copy(b[i:], name)
	}
	b[i] = 0
	return b[:i+1], true
}

// str returns the bytes b as a string without copying them: for bytes in
// the arena below its base, which never change, or for a value used
// before the arena is reset.
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
