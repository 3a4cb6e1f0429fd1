package layout

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page (bbolt v1.x, file format version 2, native
// byte order): a 16-byte page header, then magic, version, page size,
// flags (4 bytes each), the root bucket (pgid and sequence), the freelist
// pgid, the high-water pgid, the txid (8 bytes each) and an FNV-64a
// checksum of everything before it. bbolt maps as many pages as the meta
// page names, whatever the file's size, so a file shorter than that
// faults (SIGBUS) on the first read past its end: the file must be
// checked before bbolt opens it.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaChecksumOff = 56
	metaSize        = metaChecksumOff + 8
	noFreelist      = ^uint64(0)
	minPages        = 4 // two meta pages, a freelist and the root leaf
)

// Meta is what ReadMeta reads from a meta page.
type Meta struct {
	PageSize uint32
	Root     uint64
	Freelist uint64
	Pgid     uint64 // high-water mark: the file must hold Pgid pages
	Txid     uint64
}

// ReadMeta returns the valid meta page with the highest txid, as bbolt
// picks it. With no valid meta page it returns an error wrapping
// ErrCorrupt.
func ReadMeta(r io.ReaderAt) (Meta, error) {
	m0, err0 := readMetaAt(r, 0)
	size := int64(os.Getpagesize())
	if err0 == nil {
		size = int64(m0.PageSize)
	}
	m1, err1 := readMetaAt(r, size)
	switch {
	case err0 != nil && err1 != nil:
		return Meta{}, Corrupt("no valid meta page (%v; %v)", err0, err1)
	case err0 != nil:
		return m1, nil
	case err1 != nil || m0.Txid >= m1.Txid:
		return m0, nil
	}
	return m1, nil
}

// Check returns an error wrapping ErrCorrupt unless a file of size bytes
// holds every page m names.
func (m Meta) Check(size int64) error {
	switch {
	case m.Pgid > uint64(size)/uint64(m.PageSize):
		return Corrupt("truncated: %d bytes, its meta page needs %d pages of %d", size, m.Pgid, m.PageSize)
	case m.Pgid < minPages:
		return Corrupt("meta page names %d pages", m.Pgid)
	case m.Root >= m.Pgid || (m.Freelist != noFreelist && m.Freelist >= m.Pgid):
		return Corrupt("meta page points past its last page")
	}
	return nil
}

func readMetaAt(r io.ReaderAt, off int64) (Meta, error) {
	var b [pageHeaderSize + metaSize]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return Meta{}, fmt.Errorf("meta page at %d: %w", off, err)
	}
	p := b[pageHeaderSize:]
	le := binary.NativeEndian
	h := fnv.New64a()
	h.Write(p[:metaChecksumOff])
	switch {
	case le.Uint32(p[0:]) != boltMagic:
		return Meta{}, fmt.Errorf("meta page at %d: not a bbolt file", off)
	case le.Uint32(p[4:]) != boltVersion:
		return Meta{}, fmt.Errorf("meta page at %d: format version %d", off, le.Uint32(p[4:]))
	case le.Uint64(p[metaChecksumOff:]) != h.Sum64():
		return Meta{}, fmt.Errorf("meta page at %d: bad checksum", off)
	}
	m := Meta{PageSize: le.Uint32(p[8:]), Root: le.Uint64(p[16:]), Freelist: le.Uint64(p[32:]),
		Pgid: le.Uint64(p[40:]), Txid: le.Uint64(p[48:])}
	if m.PageSize < 512 || m.PageSize > 1<<20 || m.PageSize&(m.PageSize-1) != 0 {
		return Meta{}, fmt.Errorf("meta page at %d: page size %d", off, m.PageSize)
	}
	return m, nil
}
