package gateway

import (
	"context"
	"fmt"
	"sync"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// svcCache is the read-only registry.Index behind /svc/: heads come from
// heads.lookup (verified, end of life not enforced; see the package
// documentation) and resolutions are kept in memory for the current root.
type svcCache struct {
	heads *heads

	mu   sync.Mutex
	root cid.Cid // the root the resolutions belong to
	res  map[string]registry.Resolution
}

var _ registry.Index = (*svcCache)(nil)

// Head implements registry.Index.
func (c *svcCache) Head(ctx context.Context, name string) (registry.Head, error) {
	canon, err := ipns.ParseName(name)
	if err != nil {
		return registry.Head{}, err
	}
	vh, err := c.heads.lookup(ctx, canon)
	if err != nil {
		return registry.Head{}, err
	}
	return vh.Head, nil
}

// SwapHead implements registry.Index; the gateway never moves heads this way.
func (c *svcCache) SwapHead(context.Context, uint64, registry.Head) error {
	return fmt.Errorf("swap head: %w", ErrReadOnly)
}

// Floor implements registry.Index with the sequence of the head.
func (c *svcCache) Floor(ctx context.Context, name string) (uint64, error) {
	h, err := c.Head(ctx, name)
	if err != nil {
		return 0, nil
	}
	return h.Seq, nil
}

// Resolution implements registry.Index.
func (c *svcCache) Resolution(_ context.Context, _ string, root cid.Cid, query string) (registry.Resolution, bool, error) {
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
func (c *svcCache) PutResolution(_ context.Context, _ string, root cid.Cid, query string, r registry.Resolution) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !root.Equals(c.root) || len(c.res) >= maxResolutions {
		c.root, c.res = root, map[string]registry.Resolution{}
	}
	c.res[query] = r
	return nil
}
