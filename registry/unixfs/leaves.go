package unixfs

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"

	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

// leafHasher reads and hashes the leaves of one file on every core while
// boxo's balanced layout builds the file's DAG in order, exactly as it does
// without it.
//
// It plays two parts that boxo already lets callers choose. As the
// chunk.Splitter, it hands boxo the file's chunks in order, cut as
// chunk.NewSizeSplitter cuts them; a pool of workers reads them ahead
// (each with ReadAt at its own offset) and hashes the leaf block that boxo
// will make of each: the chunk itself for raw leaves, or the dag-pb leaf
// (UnixFS type File) for dag-pb leaves. As the cid.Builder, it answers
// boxo's request for the CID of a leaf with the worker's hash, and
// computes every other CID (internal file nodes) itself.
//
// Hash gives it the file mapped into memory (inPlace): the workers then
// hash each chunk where it lies, with no read and no copy.
//
// A worker's hash is used only for the very bytes it hashed: for raw
// leaves boxo passes the splitter's own slice (same address and length),
// for dag-pb leaves the block must be byte-equal to the worker's encoding.
// Anything else is hashed in place, so the CIDs cannot differ from boxo's.
type leafHasher struct {
	f       io.ReaderAt
	size    int
	prefix  cid.Prefix // the profile's builder; leaves use it with their codec
	rawLeaf bool
	onChunk func(n int) // called by NextBytes with each chunk's length

	// pool recycles chunk buffers, when the caller's DAG service drops or
	// copies nodes as they are added; nil otherwise. handed holds the last
	// chunks NextBytes returned: boxo is done with a chunk's bytes once it
	// asks for the chunk two after it.
	pool   *chunkPool
	handed []*leaf
	// released is how far a mapped file's pages were released.
	released int64

	ordered chan *leaf    // chunks in file order, for NextBytes
	work    chan *leaf    // chunks to read and hash
	stop    chan struct{} // closed by close: the dispatcher and workers quit
	eof     chan struct{} // closed once a worker saw the end of the file
	eofOnce sync.Once
	once    sync.Once
	wg      sync.WaitGroup
	ended   bool // NextBytes saw a short or failed chunk

	mu      sync.Mutex
	pending []*leaf // handed out by NextBytes, not yet asked for by Sum
	hits    int     // leaves whose CID came from a worker (for tests)
}

// maxLeafFraming bounds the bytes a dag-pb leaf adds to its chunk: the
// dag-pb Data field's tag and length, and the UnixFS Type, Data and
// filesize fields.
const maxLeafFraming = 32

// leaf is one chunk on its way through the workers.
type leaf struct {
	off  int64
	data []byte
	enc  []byte // the encoded dag-pb leaf; nil for raw leaves
	sum  mh.Multihash
	err  error
	done chan struct{}
}

// newLeafHasher starts reading f in chunks of size. The caller must call
// close when done with it.
//
// With a pool (of buffers of size bytes), chunk buffers are recycled once
// boxo has moved two chunks further, and when close returns; only for a
// DAG service that keeps no node it is given.
func newLeafHasher(f io.ReaderAt, size int, prefix cid.Prefix, rawLeaves bool, pool *chunkPool, onChunk func(int)) *leafHasher {
	n := leafWorkers()
	h := &leafHasher{
		f: f, size: size, prefix: prefix, rawLeaf: rawLeaves, pool: pool, onChunk: onChunk,
		ordered: make(chan *leaf, readAhead()),
		work:    make(chan *leaf, n),
		stop:    make(chan struct{}),
		eof:     make(chan struct{}),
	}
	h.wg.Add(n + 1)
	go h.dispatch()
	for range n {
		go h.hash()
	}
	return h
}

// dispatch hands out the chunks' offsets in order until a worker sees the
// end of the file; the channels bound how far it runs ahead.
func (h *leafHasher) dispatch() {
	defer h.wg.Done()
	defer close(h.ordered)
	defer close(h.work)
	for off := int64(0); ; off += int64(h.size) {
		l := &leaf{off: off, done: make(chan struct{})}
		select {
		case h.work <- l:
		case <-h.stop:
			return
		case <-h.eof:
			return
		}
		select {
		case h.ordered <- l:
		case <-h.stop:
			return
		}
	}
}

// hash reads each leaf's chunk and computes the multihash of its block.
func (h *leafHasher) hash() {
	defer h.wg.Done()
	if _, ok := h.f.(inPlace); ok {
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	}
	for l := range h.work {
		h.hashLeaf(l)
	}
}

// hashLeaf reads one leaf's chunk and computes the multihash of its
// block. A fault in a mapped file (it shrank) ends it with ErrFileChanged.
func (h *leafHasher) hashLeaf(l *leaf) {
	defer close(l.done)
	if m, ok := h.f.(inPlace); ok {
		defer m.recoverFault(&l.err)
	}
	n, err := h.read(l)
	if n < h.size {
		h.eofOnce.Do(func() { close(h.eof) })
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	l.err = err
	if l.err == nil && n > 0 {
		l.enc, l.sum, l.err = h.sum(l.data)
	}
}

// sum encodes (for dag-pb leaves) and hashes one chunk.
func (h *leafHasher) sum(block []byte) (enc []byte, sum mh.Multihash, err error) {
	if !h.rawLeaf {
		if enc, err = encodeFileLeaf(block); err != nil {
			return nil, nil, err
		}
		block = enc
	}
	sum, err = mh.Sum(block, h.prefix.MhType, h.prefix.MhLength)
	return enc, sum, err
}

// read sets l.data to the chunk at l.off, read into a buffer (a recycled
// one with reuse). It returns its length and the read error.
//
// A buffer of its own keeps the bytes hashed private to the import: the
// block stored is the bytes hashed for it, whatever another process
// writes to the file meanwhile. Hash stores nothing, so it maps the file
// instead (inPlace): the chunk is sliced from the mapping and hashed
// where it lies, with no read and no copy. On a 256 MiB file that takes
// 0.8 of the CPU time of reading it (195 ms against 235).
func (h *leafHasher) read(l *leaf) (int, error) {
	if m, ok := h.f.(inPlace); ok {
		l.data = m.chunk(l.off, h.size)
		if len(l.data) < h.size {
			return len(l.data), io.EOF
		}
		return len(l.data), nil
	}
	var buf []byte
	if h.pool != nil {
		buf = h.pool.get()
	} else {
		buf = make([]byte, h.size)
	}
	n, err := h.f.ReadAt(buf, l.off)
	l.data = buf[:n]
	return n, err
}

// encodeFileLeaf encodes data as boxo's balanced layout does for a dag-pb
// leaf: a UnixFS File node holding data, without links.
func encodeFileLeaf(data []byte) ([]byte, error) {
	fsn := ft.NewFSNode(ft.TFile)
	fsn.SetData(data)
	b, err := fsn.GetBytes()
	if err != nil {
		return nil, err
	}
	return merkledag.NodeWithData(b).EncodeProtobuf(false)
}

// Reader implements chunk.Splitter. boxo's importer does not call it;
// the chunks come from NextBytes only.
func (h *leafHasher) Reader() io.Reader { return nil }

// NextBytes implements chunk.Splitter: it returns the next chunk in file
// order, then io.EOF (or the read error). Like chunk.NewSizeSplitter, it
// ends after the first chunk shorter than the chunk size.
func (h *leafHasher) NextBytes() ([]byte, error) {
	if h.ended {
		return nil, io.EOF
	}
	l, ok := <-h.ordered
	if !ok {
		h.ended = true
		return nil, io.EOF
	}
	<-l.done
	if l.err != nil {
		h.ended = true
		return nil, l.err
	}
	if len(l.data) < h.size {
		h.ended = true
		if len(l.data) == 0 {
			return nil, io.EOF
		}
	}
	h.mu.Lock()
	h.pending = append(h.pending, l)
	h.mu.Unlock()
	h.recycle(l)
	if h.onChunk != nil {
		h.onChunk(len(l.data))
	}
	return l.data, nil
}

// recycle records that l was handed to boxo and frees the chunk handed
// out two before it: its buffer goes back to the pool (with reuse), or,
// in a mapped file, its pages are released, so that hashing a file in
// place holds a few chunks in memory, not all it has hashed.
func (h *leafHasher) recycle(l *leaf) {
	m, mapped := h.f.(inPlace)
	if h.pool == nil && !mapped {
		return
	}
	h.handed = append(h.handed, l)
	if len(h.handed) <= 2 {
		return
	}
	old := h.handed[0]
	h.handed = h.handed[1:]
	h.mu.Lock()
	stillPending := slices.Contains(h.pending, old)
	h.mu.Unlock()
	if stillPending { // boxo never asked for its CID: keep it
		return
	}
	if mapped {
		h.released = m.release(h.released, old.off+int64(len(old.data)))
		return
	}
	h.pool.put(old.data)
}

// close stops the dispatcher and the workers and waits for them. With a
// pool, it returns the buffers of the last chunks handed out: boxo's
// layout has returned, so nothing holds them.
func (h *leafHasher) close() {
	h.once.Do(func() { close(h.stop) })
	h.wg.Wait()
	if h.pool == nil {
		return
	}
	for _, l := range h.handed {
		h.pool.put(l.data)
	}
	h.handed = nil
	for l := range h.ordered { // read but never handed out
		if l.data != nil {
			h.pool.put(l.data)
		}
	}
}

// leafWorkers is the number of workers a leafHasher starts: one per core.
func leafWorkers() int { return runtime.GOMAXPROCS(0) }

// readAhead is how many chunks the dispatcher hands out beyond the one
// boxo is waiting for: one per worker, and two more so that a worker
// never waits for boxo. Every chunk read ahead holds a buffer, which a
// fresh process pays for in page faults and zeroing.
func readAhead() int { return leafWorkers() + 2 }

// poolBuffers is the number of chunk buffers a leafHasher may hold at
// once: the chunks read ahead (ordered's capacity, and one more the
// dispatcher holds) and the last three handed to boxo.
func poolBuffers() int { return readAhead() + 4 }

// take removes and returns the pending leaf whose block is data, or nil.
// Boxo asks for leaf CIDs in the order it took the chunks; it may have
// taken one chunk more than it has hashed (its look-ahead).
func (h *leafHasher) take(data []byte) *leaf {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i, l := range h.pending {
		if i == 2 {
			break
		}
		if h.matches(l, data) {
			h.pending = append(h.pending[:i], h.pending[i+1:]...)
			return l
		}
	}
	return nil
}

// matches reports whether data is the block that l's worker hashes. The
// worker may still be running: for dag-pb leaves the caller waits first.
func (h *leafHasher) matches(l *leaf, data []byte) bool {
	if len(data) == 0 {
		return false
	}
	if h.rawLeaf {
		return len(data) == len(l.data) && &data[0] == &l.data[0]
	}
	// A dag-pb leaf is its chunk plus a few bytes of framing; do not wait
	// for a worker over a block that cannot be its leaf.
	if len(data) <= len(l.data) || len(data) > len(l.data)+maxLeafFraming {
		return false
	}
	<-l.done
	return l.err == nil && bytes.Equal(data, l.enc)
}

// builder returns the cid.Builder for the file's nodes.
func (h *leafHasher) builder() cid.Builder { return leafBuilder{h: h, prefix: h.prefix} }

// leafBuilder is a cid.Builder that takes leaf CIDs from the workers.
type leafBuilder struct {
	h      *leafHasher
	prefix cid.Prefix
}

// Sum returns the CID of data with the builder's prefix.
func (b leafBuilder) Sum(data []byte) (cid.Cid, error) {
	var wantCodec uint64 = cid.Raw
	if !b.h.rawLeaf {
		wantCodec = cid.DagProtobuf
	}
	if b.prefix.Codec != wantCodec {
		return b.prefix.Sum(data)
	}
	l := b.h.take(data)
	if l == nil {
		return b.prefix.Sum(data)
	}
	<-l.done
	if l.err != nil {
		return cid.Undef, l.err
	}
	b.h.mu.Lock()
	b.h.hits++
	b.h.mu.Unlock()
	if b.prefix.Version == 0 {
		return cid.NewCidV0(l.sum), nil
	}
	return cid.NewCidV1(b.prefix.Codec, l.sum), nil
}

// GetCodec returns the codec of the CIDs Sum makes.
func (b leafBuilder) GetCodec() uint64 { return b.prefix.Codec }

// WithCodec returns a builder for codec that still takes leaf CIDs from
// the workers.
func (b leafBuilder) WithCodec(codec uint64) cid.Builder {
	p := b.prefix
	p.Codec = codec
	return leafBuilder{h: b.h, prefix: p}
}
