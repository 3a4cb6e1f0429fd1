package unixfs

import (
	"context"
	"runtime"
	"sync"
)

// prefetchWindow bounds how many files a directory's prefetcher keeps
// read ahead of the import loop (at most one chunk each).
const prefetchWindow = 32

// prefetched is what reading one file ahead gave: its bytes when it fits
// one chunk, large when it does not (the leaf hasher reads it then), or
// the error.
type prefetched struct {
	data  []byte
	large bool
	err   error
}

// prefetcher reads the small regular files of one directory ahead of the
// import loop, on every core. Importing many small files is bound by
// system calls, not hashing, and the kernel serves reads of different
// files in parallel; the loop still hashes and builds the DAG itself, in
// order, so nothing else changes.
type prefetcher struct {
	results []chan prefetched // by entry index; nil for entries not read
	tokens  chan struct{}     // one per file read ahead and not yet taken
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// prefetch starts reading, with at most chunk+1 bytes each, the files
// among paths that want says to read, into buffers from bufs (nil: new
// ones).
func prefetch(ctx context.Context, paths []string, want func(int) bool, chunk int, bufs *smallBufs) *prefetcher {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetcher{results: make([]chan prefetched, len(paths)), tokens: make(chan struct{}, prefetchWindow), cancel: cancel}
	jobs := make(chan int)
	for i := range paths {
		if want(i) {
			p.results[i] = make(chan prefetched, 1)
		}
	}
	p.wg.Add(1)
	go func() { // hands out files in order, keeping the window
		defer p.wg.Done()
		defer close(jobs)
		for i, ch := range p.results {
			if ch == nil {
				continue
			}
			select {
			case p.tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range runtime.GOMAXPROCS(0) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			var buf []byte // grown to the largest small file read
			for i := range jobs {
				var data []byte
				var large bool
				var err error
				data, large, buf, err = readSmall(paths[i], buf, chunk, bufs)
				p.results[i] <- prefetched{data: data, large: large, err: err}
			}
		}()
	}
	return p
}

// take waits for entry i's read; ok is false for entries not read ahead.
func (p *prefetcher) take(ctx context.Context, i int) (prefetched, bool, error) {
	ch := p.results[i]
	if ch == nil {
		return prefetched{}, false, nil
	}
	select {
	case r := <-ch:
		<-p.tokens
		return r, true, nil
	case <-ctx.Done():
		return prefetched{}, false, ctx.Err()
	}
}

// stop ends the reads ahead and waits for those under way.
func (p *prefetcher) stop() {
	p.cancel()
	p.wg.Wait()
}

// smallBufs recycles the buffers small files are read into, when the
// import's blocks are dropped or copied as they are made (reuse): a tree
// of many small files otherwise allocates, and collects, all their bytes.
// A nil *smallBufs allocates each buffer and recycles nothing.
type smallBufs struct{ pool sync.Pool }

// minSmallBuf is the smallest buffer smallBufs makes, so that most
// buffers fit most files.
const minSmallBuf = 8 << 10

// get returns n bytes, not cleared.
func (b *smallBufs) get(n int) []byte {
	if b != nil {
		if v, ok := b.pool.Get().(*[]byte); ok && cap(*v) >= n {
			return (*v)[:n]
		}
		return make([]byte, n, max(n, minSmallBuf))
	}
	return make([]byte, n)
}

// put gives back data, which the caller no longer uses.
func (b *smallBufs) put(data []byte) {
	if b != nil && cap(data) >= minSmallBuf {
		b.pool.Put(&data)
	}
}
