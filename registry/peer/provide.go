package peer

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipfs/go-cid"
)

// Provide says what the peer announces to the DHT (Config.Provide).
type Provide int

const (
	// ProvideRoots provides, for each registry announced, what
	// Config.Roots gives: the manifest, index and service blocks and
	// every release's content root. The zero value.
	ProvideRoots Provide = iota
	// ProvideAll provides the roots and every block of Config.Blocks,
	// which is every block of every registry served.
	ProvideAll
)

// String returns "roots" or "all".
func (p Provide) String() string {
	if p == ProvideAll {
		return "all"
	}
	return "roots"
}

// ParseProvide parses "roots" or "all", wrapping ErrBadProvide for
// anything else.
func ParseProvide(s string) (Provide, error) {
	switch s {
	case "roots", "":
		return ProvideRoots, nil
	case "all":
		return ProvideAll, nil
	}
	return 0, fmt.Errorf("%w %q: want roots or all", ErrBadProvide, s)
}

// key is what the provider tells CIDs apart by: their multihash, what
// the DHT provides (a listed block's raw CID and a root's DAG-CBOR one
// are one provide).
func key(c cid.Cid) string { return string(c.Hash()) }

// provideQueue is a bounded FIFO of CIDs to provide, each at most once:
// roots (hi) go before the blocks of a full listing (lo). A push into a
// full queue drops the oldest entry, of lo first; fill adds only while
// there is room.
type provideQueue struct {
	mu      sync.Mutex
	cap     int
	hi, lo  []cid.Cid
	queued  map[string]struct{} // by multihash: the DHT provides multihashes
	dropped uint64
	wake    chan struct{} // has a token while the queue is not empty
}

func newProvideQueue(capacity int) *provideQueue {
	return &provideQueue{cap: capacity, queued: map[string]struct{}{}, wake: make(chan struct{}, 1)}
}

// push queues cs ahead of listed blocks, dropping the oldest entries
// when full; a CID already queued is not queued twice.
func (q *provideQueue) push(cs ...cid.Cid) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, c := range cs {
		if _, ok := q.queued[key(c)]; ok {
			continue
		}
		if len(q.queued) >= q.cap {
			q.dropOldest()
		}
		q.hi = append(q.hi, c)
		q.queued[key(c)] = struct{}{}
	}
	q.signal()
}

// fill queues cs behind the roots as long as there is room and reports
// whether every one is queued (or was already).
func (q *provideQueue) fill(cs ...cid.Cid) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	defer q.signal()
	for _, c := range cs {
		if _, ok := q.queued[key(c)]; ok {
			continue
		}
		if len(q.queued) >= q.cap {
			return false
		}
		q.lo = append(q.lo, c)
		q.queued[key(c)] = struct{}{}
	}
	return true
}

func (q *provideQueue) dropOldest() {
	s := &q.lo
	if len(q.lo) == 0 {
		s = &q.hi
	}
	delete(q.queued, key((*s)[0]))
	*s = (*s)[1:]
	q.dropped++
}

// signal leaves a token in wake when the queue holds something.
func (q *provideQueue) signal() {
	if len(q.queued) == 0 {
		return
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// tryPop takes the next CID, if any.
func (q *provideQueue) tryPop() (cid.Cid, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := &q.hi
	if len(q.hi) == 0 {
		s = &q.lo
	}
	if len(*s) == 0 {
		return cid.Cid{}, false
	}
	c := (*s)[0]
	*s = (*s)[1:]
	delete(q.queued, key(c))
	q.signal()
	return c, true
}

// has reports whether c is queued.
func (q *provideQueue) has(c cid.Cid) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.queued[key(c)]
	return ok
}

// counts returns how many CIDs are queued and how many were dropped.
func (q *provideQueue) counts() (queued int, dropped uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queued), q.dropped
}

// provider provides what is due through a bounded queue and a fixed
// number of workers, and remembers when each CID was last provided so
// that it is provided again DefaultReprovide later, not before.
type provider struct {
	provide func(ctx context.Context, c cid.Cid) error
	q       *provideQueue

	mu       sync.Mutex
	last     map[string]time.Time // when each multihash was last provided
	inflight map[string]struct{}

	done     atomic.Uint64 // provides done
	failures atomic.Uint64 // provides failed
}

func newProvider(capacity int, provide func(context.Context, cid.Cid) error) *provider {
	return &provider{provide: provide, q: newProvideQueue(capacity),
		last: map[string]time.Time{}, inflight: map[string]struct{}{}}
}

// due returns those of cs not provided within DefaultReprovide, not
// queued and not being provided.
func (p *provider) due(cs []cid.Cid, now time.Time) []cid.Cid {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []cid.Cid
	for _, c := range cs {
		if t, ok := p.last[key(c)]; ok && now.Sub(t) < DefaultReprovide {
			continue
		}
		if _, ok := p.inflight[key(c)]; ok || p.q.has(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// schedule queues the roots among cs that are due (push: ahead of
// listed blocks, dropping the oldest when full).
func (p *provider) schedule(cs []cid.Cid, now time.Time) { p.q.push(p.due(cs, now)...) }

// scheduleListed queues the listed blocks among cs that are due as far
// as the queue has room, and reports whether all of them fit.
func (p *provider) scheduleListed(cs []cid.Cid, now time.Time) bool {
	return p.q.fill(p.due(cs, now)...)
}

// run provides what is queued with n workers until ctx ends. A failed
// provide is not retried here: the CID is due again when it is next
// scheduled.
func (p *provider) run(ctx context.Context, n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for {
				c, ok := p.next()
				if !ok {
					select {
					case <-p.q.wake:
						continue
					case <-ctx.Done():
						return
					}
				}
				p.one(ctx, c)
			}
		})
	}
	wg.Wait()
}

// next takes the next CID and marks it being provided, in one step so
// that due never sees it neither queued nor in flight.
func (p *provider) next() (cid.Cid, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.q.tryPop()
	if ok {
		p.inflight[key(c)] = struct{}{}
	}
	return c, ok
}

// one provides c and records the outcome.
func (p *provider) one(ctx context.Context, c cid.Cid) {
	err := p.provide(ctx, c)
	p.mu.Lock()
	delete(p.inflight, key(c))
	if err == nil {
		p.last[key(c)] = time.Now()
	}
	p.mu.Unlock()
	if err != nil {
		p.failures.Add(1)
		return
	}
	p.done.Add(1)
}

// pending returns the CIDs queued or being provided.
func (p *provider) pending() int {
	p.mu.Lock()
	n := len(p.inflight)
	p.mu.Unlock()
	q, _ := p.q.counts()
	return n + q
}
