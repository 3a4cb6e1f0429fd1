package follow

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// scope decides which missing blocks a ReadThrough may fetch: those its
// followers' registries reach. A block is reached when it is
//
//   - in what a followed head's latest state reaches, walked once per
//     head (registry.Reach: the manifest, its index and service blocks,
//     every release's content root), or
//   - a link of a reached block read through the store, stored or
//     fetched: every block read remembers itself as its links' parent,
//     and a chain of parents that ends at a reached block reaches. The
//     gateway reads a DAG from its root down, so a block's parent has
//     been read before the block is asked for.
//
// The parents and the answers found through them are bounded (max of
// each); past it an arbitrary entry is forgotten.
type scope struct {
	followers []*Follower
	max       int
	walking   chan struct{} // one walk at a time

	mu      sync.Mutex
	parent  map[cid.Cid]cid.Cid
	known   map[cid.Cid]bool
	heads   map[string]*walked // by registry name
	checked time.Time          // when the index was last read for heads
}

// walked is what one head's latest state reaches.
type walked struct {
	head   registry.Head
	blocks map[cid.Cid]bool
	done   bool      // the walk completed
	tried  time.Time // when the walk last ran
}

const (
	maxChain   = 4096    // the longest chain of parents followed
	headReread = MinPoll // the index is read for heads at most this often
	walkRetry  = MinPoll // an incomplete walk of a head runs again at most this often
)

func newScope(followers []*Follower, max int) *scope {
	return &scope{
		followers: followers, max: max, walking: make(chan struct{}, 1),
		parent: map[cid.Cid]cid.Cid{}, known: map[cid.Cid]bool{}, heads: map[string]*walked{},
	}
}

// saw notes the links of block c, read and verified.
func (s *scope) saw(c cid.Cid, data []byte) {
	if c.Prefix().Codec == cid.Raw {
		return
	}
	ls, err := links(c, data)
	if err != nil || len(ls) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range ls {
		if _, ok := s.parent[l]; !ok && len(s.parent) >= s.max {
			forgetOne(s.parent)
		}
		s.parent[l] = c
	}
}

// reaches reports whether a followed registry reaches c, walking heads
// that were not walked yet with get (which must read through, unchecked).
func (s *scope) reaches(ctx context.Context, c cid.Cid, get getter) (bool, error) {
	if s.lookup(c, nil) {
		return true, nil
	}
	heads := s.currentHeads(ctx)
	roots := map[cid.Cid]bool{}
	for _, h := range heads {
		roots[h.Root] = true
	}
	if s.lookup(c, roots) { // read from a head down: no walk needed
		return true, nil
	}
	var errs []error
	for _, h := range heads {
		if err := s.walk(ctx, h, get); err != nil {
			errs = append(errs, err)
		}
	}
	return s.lookup(c, nil), errors.Join(errs...)
}

// lookup reports whether c is reached by what is known now, or through
// its parents from one of roots.
func (s *scope) lookup(c cid.Cid, roots map[cid.Cid]bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := c
	for range maxChain {
		if s.known[x] || roots[x] || s.inHeads(x) {
			if x != c {
				if len(s.known) >= s.max {
					forgetOne(s.known)
				}
				s.known[c] = true
			}
			return true
		}
		p, ok := s.parent[x]
		if !ok {
			return false
		}
		x = p
	}
	return false
}

func (s *scope) inHeads(c cid.Cid) bool {
	for _, w := range s.heads {
		if w.blocks[c] {
			return true
		}
	}
	return false
}

// currentHeads returns the followed heads: the last one each follower
// synced to, and from the index (another process may have moved it) at
// most every headReread.
func (s *scope) currentHeads(ctx context.Context) []registry.Head {
	s.mu.Lock()
	reread := time.Since(s.checked) >= headReread
	if reread {
		s.checked = time.Now()
	}
	s.mu.Unlock()
	var out []registry.Head
	for _, f := range s.followers {
		var h registry.Head
		if p := f.latest.Load(); p != nil {
			h = *p
		}
		if reread || !h.Root.Defined() {
			if ih, err := f.cfg.Index.Head(ctx, f.name); err == nil && ih.Seq >= h.Seq {
				h = ih
			}
		}
		if h.Root.Defined() {
			out = append(out, h)
		}
	}
	return out
}

// walk walks what h's latest state reaches, unless that was done, or
// tried less than walkRetry ago.
func (s *scope) walk(ctx context.Context, h registry.Head, get getter) error {
	select {
	case s.walking <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.walking }()
	s.mu.Lock()
	w := s.heads[h.Name]
	if w != nil && w.head.Root == h.Root && (w.done || time.Since(w.tried) < walkRetry) {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	next := &walked{head: h, blocks: map[cid.Cid]bool{h.Root: true}, tried: time.Now()}
	r := registry.Reach{Blocks: blockGetter{get, s}, KeepHistory: 1}
	err := r.Walk(ctx, h, func(c cid.Cid, _ registry.BlockKind, err error) error {
		if err != nil {
			return err
		}
		next.blocks[c] = true
		return nil
	})
	next.done = err == nil
	s.mu.Lock()
	if w == nil || w.head.Root != h.Root || len(next.blocks) >= len(w.blocks) {
		s.heads[h.Name] = next
	}
	s.mu.Unlock()
	return err
}

// forgetOne deletes an arbitrary entry of m.
func forgetOne[V any](m map[cid.Cid]V) {
	for k := range m {
		delete(m, k)
		return
	}
}

// getter reads a block, from the local store or the upstreams.
type getter func(ctx context.Context, c cid.Cid) ([]byte, error)

// blockGetter is registry.Blocks for a walk: reads through get, noting
// each block's links; never writes.
type blockGetter struct {
	get getter
	s   *scope
}

func (b blockGetter) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	data, err := b.get(ctx, c)
	if err == nil {
		b.s.saw(c, data)
	}
	return data, err
}

func (b blockGetter) Put(context.Context, cid.Cid, []byte) error {
	return errors.New("scope walk: read only")
}

func (b blockGetter) Has(context.Context, cid.Cid) (bool, error) { return false, nil }
