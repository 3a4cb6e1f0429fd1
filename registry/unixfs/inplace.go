package unixfs

import (
	"io"
	"unsafe"
)

// inPlace is a file mapped into memory (mapFile), which the leaf hasher
// hashes where it lies. Only Hash uses it: its blocks are dropped once
// hashed, so no block can be stored whose bytes changed after they were
// hashed.
type inPlace []byte

// chunk returns the at most size bytes at off, without copying them.
func (m inPlace) chunk(off int64, size int) []byte {
	if off >= int64(len(m)) {
		return nil
	}
	return m[off:min(off+int64(size), int64(len(m)))]
}

// releaseBatch is how many bytes of a mapping release gives back at
// once: each call costs a TLB flush on every core the import runs on.
const releaseBatch = 4 << 20

// release gives back the memory that the hashed bytes of m from done to
// to hold in the process (releasePages), once they make a batch, and
// returns how far it released. The pages stay in the page cache, and
// reading them again brings them back: releasing too early costs time,
// never bytes.
func (m inPlace) release(done, to int64) int64 {
	if to-done < releaseBatch {
		return done
	}
	releasePages(m[done:to])
	return to
}

// ReadAt implements io.ReaderAt, for code that does not slice.
func (m inPlace) ReadAt(p []byte, off int64) (int, error) {
	n := copy(p, m.chunk(off, len(p)))
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// recoverFault, deferred on a goroutine that reads m with
// debug.SetPanicOnFault, turns the fault of reading a page the file no
// longer has (it was truncated while hashed) into ErrFileChanged in
// *err. Any other panic, a fault elsewhere included, goes on.
func (m inPlace) recoverFault(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if f, ok := r.(interface{ Addr() uintptr }); ok && len(m) > 0 {
		start := uintptr(unsafe.Pointer(unsafe.SliceData(m)))
		if a := f.Addr(); a >= start && a-start < uintptr(len(m)) {
			*err = ErrFileChanged
			return
		}
	}
	panic(r)
}
