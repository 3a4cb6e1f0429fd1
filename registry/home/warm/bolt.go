//go:build linux && (amd64 || arm64)

package warm

// resolution does what registry/bolt/peek does with bbolt: it returns the
// answer cached for the query qname@qrange (qname alone when qrange is
// "") at the current head of the registry name in the index file at path
// (NUL-terminated), reading the file as bbolt lays it out (meta pages,
// then the B+tree pages of the buckets it needs, mapped) under
// bbolt's shared lock, taken without waiting: bbolt, given peek's 20 ms
// timeout, tries once too. It gives up on anything it does not expect.
// The answer is in the arena.
func resolution(path []byte, name, qname, qrange string) ([]byte, bool) {
	db := &index
	if !db.open(path) {
		return nil, false
	}
	defer db.close()
	if !db.readMeta() || !db.lookup(name, qname, qrange) {
		return nil, false
	}
	return decodeResolution(name, db.key, db.value)
}

// open opens and maps the index at path under bbolt's shared lock.
func (db *boltFile) open(path []byte) bool {
	*db = boltFile{fd: -1}
	fd, ok := open(path, 0)
	if !ok {
		return false
	}
	db.fd = fd
	if !flockShared(fd) {
		return false // a writer holds the index: the full path waits
	}
	st, ok := newStat()
	if !ok || !fstat(fd, st) || st.mode()&sIFMT != sIFREG {
		return false
	}
	db.data, ok = mmap(fd, st.size())
	db.size = uint64(len(db.data))
	return ok
}

// close unmaps and closes what open opened.
func (db *boltFile) close() {
	if db.data != nil {
		munmap(db.data)
	}
	if db.fd >= 0 {
		closeFD(db.fd)
	}
	*db = boltFile{}
}

// index is the index file resolution reads; a package-level variable,
// as the workspaces of ed25519.go, to keep stack frames small.
var index boltFile

// lookup finds the answer cached for qname@qrange at the registry's
// current head, leaving its key and value in db.key and db.value.
func (db *boltFile) lookup(name, qname, qrange string) bool {
	root := &db.buckets[0]
	*root = bucket{root: db.meta.root}
	if !db.bucket(&db.buckets[1], root, "meta") || !db.bucket(&db.buckets[2], root, "heads") ||
		!db.bucket(&db.buckets[3], root, "resolutions") {
		return false
	}
	if !db.get(&db.buckets[1], "layout") || str(db.value) != "\x01" || !db.get(&db.buckets[2], name) {
		return false
	}
	headRoot, ok := decodeHead(db.value)
	if !ok || !db.bucket(&db.buckets[4], &db.buckets[3], name) {
		return false
	}
	at := "@"
	if qrange == "" {
		at = ""
	}
	db.key, ok = join(headRoot, "\x00", qname, at, qrange)
	return ok && db.get(&db.buckets[4], str(db.key))
}

// join returns the strings one after the other, in the arena.
func join(s ...string) ([]byte, bool) {
	n := 0
	for _, p := range s {
		n += len(p)
	}
	b, ok := alloc(n)
	if !ok {
		return nil, false
	}
	n = 0
	for _, p := range s {
		n += copy(b[n:], p)
	}
	return b, true
}

// bbolt's on-disk format (go.etcd.io/bbolt/internal/common), in the
// machine's byte order, little-endian on amd64 and arm64.
const (
	pageHeaderSize   = 16 // id uint64, flags uint16, count uint16, overflow uint32
	elemSize         = 16 // branch: pos, ksize uint32, pgid uint64; leaf: flags, pos, ksize, vsize uint32
	bucketHeaderSize = 16 // root pgid uint64, sequence uint64
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	bucketLeafFlag   = 0x01
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	metaChecksumOff  = 56
	noFreelist       = ^uint64(0)
	maxDepth         = 64
)

type meta struct {
	pageSize, root, freelist, pgid, txid uint64
}

type boltFile struct {
	fd   int
	data []byte // the file, mapped
	size uint64
	meta meta
	// The buckets lookup walks (root, meta, heads, resolutions, the
	// registry's), and the last key and value found.
	buckets    [5]bucket
	key, value []byte
}

// bucket is a bucket's root page, or its page inline in its parent's value.
type bucket struct {
	root   uint64
	inline []byte
}

// readMeta picks the meta page as layout.ReadMeta and bbolt do (the valid
// one with the higher transaction id) and checks the file against it as
// layout.Meta.Check does. With the first meta page not valid (a torn
// write) it gives up: bbolt then looks for the second at the machine's
// page size, which the warm path does not ask for.
func (db *boltFile) readMeta() bool {
	m0, ok0 := db.readMetaAt(0)
	if !ok0 {
		return false // the full path reads the second at the machine's page size
	}
	m1, ok1 := db.readMetaAt(m0.pageSize)
	switch {
	case !ok1 || m0.txid >= m1.txid:
		db.meta = m0
	default:
		db.meta = m1
	}
	m := db.meta
	return m.pgid <= db.size/m.pageSize && m.pgid >= 4 && m.root < m.pgid && (m.freelist == noFreelist || m.freelist < m.pgid)
}

func (db *boltFile) readMetaAt(off uint64) (meta, bool) {
	const n = pageHeaderSize + metaChecksumOff + 8
	if off+n > db.size {
		return meta{}, false
	}
	p := db.data[off+pageHeaderSize : off+n]
	h := uint64(14695981039346656037) // FNV-1a, 64 bits
	for _, c := range p[:metaChecksumOff] {
		h = (h ^ uint64(c)) * 1099511628211
	}
	if le32(p[0:]) != boltMagic || le32(p[4:]) != boltVersion || le64(p[metaChecksumOff:]) != h {
		return meta{}, false
	}
	m := meta{pageSize: uint64(le32(p[8:])), root: le64(p[16:]), freelist: le64(p[32:]), pgid: le64(p[40:]), txid: le64(p[48:])}
	if m.pageSize < 512 || m.pageSize > 1<<20 || m.pageSize&(m.pageSize-1) != 0 {
		return meta{}, false
	}
	return m, true
}

// page returns page id with its overflow pages.
func (db *boltFile) page(id uint64) ([]byte, bool) {
	ps := db.meta.pageSize
	if id < 2 || id >= db.meta.pgid {
		return nil, false
	}
	b := db.data[id*ps : (id+1)*ps] // id < pgid <= size/ps
	if le64(b) != id {
		return nil, false
	}
	over := uint64(le32(b[12:]))
	if over >= db.meta.pgid-id {
		return nil, false
	}
	return db.data[id*ps : (id+1+over)*ps], true
}

// seek finds key in the B+tree of bkt as bbolt's cursor does, returning
// the leaf element's flags and value.
func (db *boltFile) seek(bkt *bucket, key string) (flags uint32, value []byte, found, ok bool) {
	p, ok := bkt.inline, true
	if bkt.root != 0 {
		p, ok = db.page(bkt.root)
	}
	for depth := 0; ok && depth < maxDepth; depth++ {
		if len(p) < pageHeaderSize {
			return 0, nil, false, false
		}
		pflags, count := le16(p[8:]), int(le16(p[10:]))
		if pageHeaderSize+count*elemSize > len(p) {
			return 0, nil, false, false
		}
		switch {
		case pflags&branchPageFlag != 0:
			if count == 0 {
				return 0, nil, false, false
			}
			// The first element whose key is >= key, or the one before it
			// when it is not equal (bbolt's branch search).
			i := 0
			for ; i < count; i++ {
				k, ok := elemKey(p, i, false)
				if !ok {
					return 0, nil, false, false
				}
				if k >= key {
					break
				}
			}
			if i == count {
				i--
			} else if k, _ := elemKey(p, i, false); k != key && i > 0 {
				i--
			}
			e := pageHeaderSize + i*elemSize
			p, ok = db.page(le64(p[e+8:]))
		case pflags&leafPageFlag != 0:
			for i := 0; i < count; i++ {
				k, ok := elemKey(p, i, true)
				if !ok {
					return 0, nil, false, false
				}
				if k == key {
					e := pageHeaderSize + i*elemSize
					start := uint64(e) + uint64(le32(p[e+4:])) + uint64(le32(p[e+8:]))
					end := start + uint64(le32(p[e+12:]))
					if end > uint64(len(p)) {
						return 0, nil, false, false
					}
					return le32(p[e:]), p[start:end], true, true
				}
			}
			return 0, nil, false, true
		default:
			return 0, nil, false, false
		}
	}
	return 0, nil, false, false
}

// elemKey returns element i's key in page p.
func elemKey(p []byte, i int, leaf bool) (string, bool) {
	e := pageHeaderSize + i*elemSize
	pos, size := uint64(le32(p[e:])), uint64(le32(p[e+4:]))
	if leaf {
		pos, size = uint64(le32(p[e+4:])), uint64(le32(p[e+8:]))
	}
	start := uint64(e) + pos
	if start+size > uint64(len(p)) {
		return "", false
	}
	return str(p[start : start+size]), true
}

// bucket sets b to the nested bucket name of bkt (Tx.Bucket,
// Bucket.Bucket).
//
//go:noinline
func (db *boltFile) bucket(b, bkt *bucket, name string) bool {
	flags, v, found, ok := db.seek(bkt, name)
	if !ok || !found || flags&bucketLeafFlag == 0 || len(v) < bucketHeaderSize {
		return false
	}
	if root := le64(v); root != 0 {
		*b = bucket{root: root}
	} else {
		*b = bucket{inline: v[bucketHeaderSize:]}
	}
	return true
}

// get sets db.value to the value of key in bkt (Bucket.Get: nil for a
// bucket).
//
//go:noinline
func (db *boltFile) get(bkt *bucket, key string) bool {
	flags, v, found, ok := db.seek(bkt, key)
	if !ok || !found || flags&bucketLeafFlag != 0 {
		return false
	}
	db.value = v
	return true
}

// decodeHead returns a head's root, as layout.DecodeHead reads it
// (format 1: root, sequence, record), for a head with a root and a
// sequence above zero.
func decodeHead(b []byte) (string, bool) { // the root, in the page read
	if len(b) < 1 || b[0] != 1 {
		return "", false
	}
	root, rest, ok := field(b[1:])
	if !ok || len(rest) < 8 || len(root) == 0 || be64(rest) == 0 {
		return "", false
	}
	_, rest, ok = field(rest[8:])
	return str(root), ok && len(rest) == 0
}

// decodeResolution returns the CID of a cached resolution as peek does:
// format 2 (service, version, CID, then a SHA-256 check over the
// registry name, the key and the rest), the check matching, service and
// version not empty, and a CIDv1, in base32.
func decodeResolution(name string, key, b []byte) ([]byte, bool) {
	if len(b) < 1 || b[0] != 2 {
		return nil, false
	}
	service, rest, ok1 := field(b[1:])
	version, rest, ok2 := field(rest)
	cid, rest, ok3 := field(rest)
	if !ok1 || !ok2 || !ok3 || len(rest) != 32 || len(service) == 0 || len(version) == 0 {
		return nil, false
	}
	in, ok := checked(name, key, b[:len(b)-32])
	if !ok {
		return nil, false
	}
	sum := &sha.sum
	if sum256(sum, in); str(sum[:]) != str(rest) {
		return nil, false
	}
	if len(cid) < 4 || cid[0] != 0x01 {
		return nil, false
	}
	return base32Lower(cid, 'b')
}

// checked returns, in the arena, what a resolution's check sums: the
// domain, then the registry name and the key, each after its length,
// then the value without its check. It is a call of its own so that its
// frame is gone when decodeResolution calls sum256, the deepest point of
// a warm answer (see ed25519.go on the stack).
//
//go:noinline
func checked(name string, key, value []byte) ([]byte, bool) {
	const domain = "svcreg resolution\x00"
	var nlen, klen [4]byte
	putBE32(nlen[:], len(name))
	putBE32(klen[:], len(key))
	return join(domain, str(nlen[:]), name, str(klen[:]), str(key), str(value))
}

// field reads a length-prefixed field (a big-endian uint32, then the bytes).
func field(b []byte) (f, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := uint64(b[0])<<24 | uint64(b[1])<<16 | uint64(b[2])<<8 | uint64(b[3])
	if n > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

func putBE32(b []byte, n int) { b[0], b[1], b[2], b[3] = byte(n>>24), byte(n>>16), byte(n>>8), byte(n) }

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }
