package registrytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// Index is an in-memory registry.Index.
type Index struct {
	mu     sync.Mutex
	heads  map[string]registry.Head
	floors map[string]uint64
	roots  map[string]registry.RootFloor
	res    map[string]registry.Resolution
	equiv  []registry.Equivocation
	// Hits counts Resolution calls that found an answer.
	Hits int
}

// NewIndex returns an empty cache.
func NewIndex() *Index {
	return &Index{heads: map[string]registry.Head{}, floors: map[string]uint64{}, roots: map[string]registry.RootFloor{},
		res: map[string]registry.Resolution{}}
}

// Head implements registry.Index.
func (c *Index) Head(_ context.Context, name string) (registry.Head, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.heads[name]
	if !ok {
		return registry.Head{}, fmt.Errorf("%s: %w", name, registry.ErrNoHead)
	}
	return h, nil
}

// SwapHead implements registry.Index.
func (c *Index) SwapHead(_ context.Context, prevSeq uint64, h registry.Head) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.swapHead(prevSeq, h)
}

// SwapHeadRoot implements registry.RootFloorIndex.
func (c *Index) SwapHeadRoot(_ context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := registry.CheckRootFloor(c.roots[h.Name], rf); err != nil {
		return fmt.Errorf("%s: %w", h.Name, err)
	}
	if err := c.swapHead(prevSeq, h); err != nil {
		return err
	}
	c.roots[h.Name] = rf
	return nil
}

// RootFloor implements registry.RootFloorIndex.
func (c *Index) RootFloor(_ context.Context, name string) (registry.RootFloor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.roots[name], nil
}

func (c *Index) swapHead(prevSeq uint64, h registry.Head) error {
	if cur := c.heads[h.Name]; cur.Seq != prevSeq {
		return fmt.Errorf("head of %s is seq %d, not %d: %w", h.Name, cur.Seq, prevSeq, registry.ErrHeadMoved)
	}
	if h.Seq <= c.floors[h.Name] {
		return fmt.Errorf("seq %d of %s: %w", h.Seq, h.Name, registry.ErrRollback)
	}
	c.heads[h.Name], c.floors[h.Name] = h, h.Seq
	for k := range c.res {
		delete(c.res, k)
	}
	return nil
}

// Floor implements registry.Index.
func (c *Index) Floor(_ context.Context, name string) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.floors[name], nil
}

// Resolution implements registry.Index.
func (c *Index) Resolution(_ context.Context, name string, root cid.Cid, query string) (registry.Resolution, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.res[name+"\x00"+root.KeyString()+"\x00"+query]
	if ok {
		c.Hits++
	}
	return r, ok, nil
}

// CarryingIndex is an Index that is also a registry.ResolutionIndex: a
// Registry over it moves each head with the answers it carries over.
type CarryingIndex struct{ *Index }

var _ registry.ResolutionIndex = CarryingIndex{}

// Queries implements registry.ResolutionIndex.
func (c CarryingIndex) Queries(_ context.Context, name string, root cid.Cid) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := name + "\x00" + root.KeyString() + "\x00"
	var qs []string
	for k := range c.res {
		if q, ok := strings.CutPrefix(k, prefix); ok {
			qs = append(qs, q)
		}
	}
	slices.Sort(qs)
	return qs, nil
}

// SwapHeadResolutions implements registry.ResolutionIndex.
func (c CarryingIndex) SwapHeadResolutions(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor, rs map[string]registry.Resolution) error {
	var err error
	if rf.Root.Defined() {
		err = c.SwapHeadRoot(ctx, prevSeq, h, rf)
	} else {
		err = c.SwapHead(ctx, prevSeq, h)
	}
	if err != nil {
		return err
	}
	for q, r := range rs {
		c.PutResolution(ctx, h.Name, h.Root, q, r)
	}
	return nil
}

// PutResolution implements registry.Index.
func (c *Index) PutResolution(_ context.Context, name string, root cid.Cid, query string, r registry.Resolution) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.heads[name].Root.Equals(root) {
		return nil
	}
	c.res[name+"\x00"+root.KeyString()+"\x00"+query] = r
	return nil
}

var _ registry.RecordRefresher = (*Index)(nil)

// RefreshRecord implements registry.RecordRefresher.
func (c *Index) RefreshRecord(_ context.Context, old []byte, h registry.Head) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, ok := c.heads[h.Name]
	if !ok || cur.Seq != h.Seq || !cur.Root.Equals(h.Root) || string(cur.Record) != string(old) {
		return fmt.Errorf("head of %s moved: %w", h.Name, registry.ErrHeadMoved)
	}
	c.heads[h.Name] = h
	return nil
}
