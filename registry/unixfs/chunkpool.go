package unixfs

// chunkPool recycles the chunk buffers of an import's large files
// (leafHasher), when blocks are dropped or copied as they are made. Its
// first buffers are cut from one allocation backed by huge pages where
// the system has them (hugepage_linux.go): a fresh process then takes a
// few page faults for them instead of one per 4 KiB, which on a 256 MiB
// file was a fifth of the CPU time left besides hashing.
type chunkPool struct {
	size int
	free chan []byte
}

// newChunkPool returns a pool of n buffers of size bytes; it makes more,
// on the heap, when all are in use.
func newChunkPool(size, n int) *chunkPool {
	p := &chunkPool{size: size, free: make(chan []byte, n)}
	slab := hugeSlab(n * size)
	for i := range n {
		p.free <- slab[i*size : (i+1)*size : (i+1)*size]
	}
	return p
}

// get returns a buffer of the pool's size.
func (p *chunkPool) get() []byte {
	select {
	case b := <-p.free:
		return b
	default:
		return make([]byte, p.size)
	}
}

// put gives b back to the pool; the caller no longer uses it.
func (p *chunkPool) put(b []byte) {
	if cap(b) < p.size {
		return
	}
	select {
	case p.free <- b[:p.size]:
	default:
	}
}
