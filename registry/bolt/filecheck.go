package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"time"
)

// bbolt's on-disk meta page, as read by checkFile (bbolt v1.x, file format
// version 2, native byte order): a 16-byte page header, then magic,
// version, page size, flags (4 bytes each), the root bucket (pgid and
// sequence), the freelist pgid, the high-water pgid, the txid (8 bytes
// each) and an FNV-64a checksum of everything before it.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16
	metaChecksumOff  = 56
	metaSize         = metaChecksumOff + 8
	noFreelist       = ^uint64(0)
	minPages         = 4 // two meta pages, a freelist and the root leaf
	checkLockTimeout = 30 * time.Second
)

// meta is what checkFile reads from one meta page.
type meta struct {
	pageSize uint32
	root     uint64
	freelist uint64
	pgid     uint64 // high-water mark: the file must hold pgid pages
	txid     uint64
}

// checkFile looks at the index file at path before bbolt maps it, so that
// a damaged file is an error wrapping ErrCorruptIndex instead of a SIGBUS
// (bbolt maps as many pages as its meta page says, whatever the file's
// size) or a silent re-initialisation (bbolt treats an empty file as new).
// It checks the file's size against the newest valid meta page and the
// page numbers that meta names. A missing file is fine: Open creates it.
// An empty file is treated as new only when no head file (HeadsDir) says
// the index held heads.
//
// A writer initialising a new file holds bbolt's lock while the file is
// still short, so a failed check is repeated under the shared lock before
// the file is declared damaged.
func checkFile(path string, timeout time.Duration) error {
	err := checkFileOnce(path)
	if err == nil || !errors.Is(err, ErrCorruptIndex) {
		return err
	}
	f, ferr := os.Open(path)
	if ferr != nil {
		return nil // gone: Open creates a new one
	}
	defer f.Close()
	if lerr := flockShared(f, timeout); lerr != nil {
		return lerr
	}
	defer funlock(f)
	return checkFileOnce(path)
}

func checkFileOnce(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	if fi.Size() == 0 {
		if hasHeadFiles(HeadsDir(path)) {
			return fmt.Errorf("open index %s: %w: the file is empty, but %s holds registry heads", path, ErrCorruptIndex, HeadsDir(path))
		}
		return nil
	}
	m, err := readMeta(f)
	if err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	switch {
	case m.pgid > uint64(fi.Size())/uint64(m.pageSize):
		return fmt.Errorf("open index %s: %w: truncated: %d bytes, its meta page needs %d pages of %d",
			path, ErrCorruptIndex, fi.Size(), m.pgid, m.pageSize)
	case m.pgid < minPages:
		return fmt.Errorf("open index %s: %w: meta page names %d pages", path, ErrCorruptIndex, m.pgid)
	case m.root >= m.pgid || (m.freelist != noFreelist && m.freelist >= m.pgid):
		return fmt.Errorf("open index %s: %w: meta page points past its last page", path, ErrCorruptIndex)
	}
	return nil
}

// readMeta returns the valid meta page with the highest txid, as bbolt
// picks it.
func readMeta(r io.ReaderAt) (meta, error) {
	m0, err0 := readMetaAt(r, 0)
	size := int64(os.Getpagesize())
	if err0 == nil {
		size = int64(m0.pageSize)
	}
	m1, err1 := readMetaAt(r, size)
	switch {
	case err0 != nil && err1 != nil:
		return meta{}, fmt.Errorf("%w: no valid meta page (%v; %v)", ErrCorruptIndex, err0, err1)
	case err0 != nil:
		return m1, nil
	case err1 != nil || m0.txid >= m1.txid:
		return m0, nil
	}
	return m1, nil
}

func readMetaAt(r io.ReaderAt, off int64) (meta, error) {
	var b [pageHeaderSize + metaSize]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return meta{}, fmt.Errorf("meta page at %d: %w", off, err)
	}
	p := b[pageHeaderSize:]
	le := binary.NativeEndian
	h := fnv.New64a()
	h.Write(p[:metaChecksumOff])
	switch {
	case le.Uint32(p[0:]) != boltMagic:
		return meta{}, fmt.Errorf("meta page at %d: not a bbolt file", off)
	case le.Uint32(p[4:]) != boltVersion:
		return meta{}, fmt.Errorf("meta page at %d: format version %d", off, le.Uint32(p[4:]))
	case le.Uint64(p[metaChecksumOff:]) != h.Sum64():
		return meta{}, fmt.Errorf("meta page at %d: bad checksum", off)
	}
	m := meta{pageSize: le.Uint32(p[8:]), root: le.Uint64(p[16:]), freelist: le.Uint64(p[32:]),
		pgid: le.Uint64(p[40:]), txid: le.Uint64(p[48:])}
	if m.pageSize < 512 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return meta{}, fmt.Errorf("meta page at %d: page size %d", off, m.pageSize)
	}
	return m, nil
}
