package gateway

import (
	"context"
	"fmt"
	"sync"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// svcIndex is the read-only registry.Index of one registry behind /svc/,
// release origins and the browse pages. Its head comes from heads.lookup
// (verified, its end of life not enforced; see the package
// documentation), so the server never keeps the index file open and never
// writes it; resolutions are kept in memory for the current root.
//
// It is the one registry.Index the server needs: a registry/bolt index
// would hold the file (and, to cache resolutions, its write lock) for as
// long as a request, and an in-memory index would have to be refilled from
// the verified heads on every change anyway.
type svcIndex struct {
	name  ipnsrec.Name
	heads *heads

	mu   sync.Mutex
	root cid.Cid // the root the resolutions belong to
	res  map[string]registry.Resolution
}

var _ registry.Index = (*svcIndex)(nil)

// newRegistry returns a read-only registry.Registry for name over the
// index's verified heads.
func (s *Server) newRegistry(name ipnsrec.Name) (*registry.Registry, error) {
	return registry.New(registry.Config{Name: name.String(), Blocks: s.blocks, Index: &svcIndex{name: name, heads: s.heads}, Logger: s.log})
}

// Head implements registry.Index for the one registry the index was made for.
func (c *svcIndex) Head(ctx context.Context, name string) (registry.Head, error) {
	if name != c.name.String() {
		return registry.Head{}, fmt.Errorf("%w: %s", registry.ErrNoHead, name)
	}
	vh, err := c.heads.lookup(ctx, c.name)
	if err != nil {
		return registry.Head{}, err
	}
	return vh.Head, nil
}

// SwapHead implements registry.Index; the gateway never moves heads this way.
func (c *svcIndex) SwapHead(context.Context, uint64, registry.Head) error {
	return fmt.Errorf("swap head: %w", errReadOnly)
}

// Floor implements registry.Index with the sequence of the head.
func (c *svcIndex) Floor(ctx context.Context, name string) (uint64, error) {
	h, err := c.Head(ctx, name)
	if err != nil {
		return 0, nil
	}
	return h.Seq, nil
}

// Resolution implements registry.Index.
func (c *svcIndex) Resolution(_ context.Context, _ string, root cid.Cid, query string) (registry.Resolution, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !root.Equals(c.root) {
		return registry.Resolution{}, false, nil
	}
	r, ok := c.res[query]
	return r, ok, nil
}

// PutResolution implements registry.Index. Answers for a new root replace
// those of the old one.
func (c *svcIndex) PutResolution(_ context.Context, _ string, root cid.Cid, query string, r registry.Resolution) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !root.Equals(c.root) || len(c.res) >= maxResolutions {
		c.root, c.res = root, map[string]registry.Resolution{}
	}
	c.res[query] = r
	return nil
}
