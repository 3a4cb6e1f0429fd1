// Package registrytest provides in-memory implementations of the registry
// interfaces for tests: [Blocks], [Index] and [Signer]. They keep the
// contracts the real adapters keep (hash checks, compare-and-swap, the
// rollback floor) so registry tests exercise the same rules.
package registrytest

import (
	"context"
	"fmt"
	"sync"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

var (
	_ registry.Blocks = (*Blocks)(nil)
	_ registry.Index  = (*Index)(nil)
	_ registry.Signer = (*Signer)(nil)
)

// Blocks is an in-memory registry.Blocks that verifies on read.
type Blocks struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewBlocks returns an empty block store.
func NewBlocks() *Blocks { return &Blocks{m: map[string][]byte{}} }

// Get implements registry.Blocks.
func (b *Blocks) Get(_ context.Context, c cid.Cid) ([]byte, error) {
	b.mu.Lock()
	data, ok := b.m[string(c.Hash())]
	b.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("get %s: %w", c, registry.ErrBlockNotFound)
	}
	if err := manifest.CheckBlock(c, data); err != nil {
		return nil, fmt.Errorf("get %s: %w: %w", c, registry.ErrCorruptBlock, err)
	}
	return data, nil
}

// Put implements registry.Blocks.
func (b *Blocks) Put(_ context.Context, c cid.Cid, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[string(c.Hash())] = append([]byte(nil), data...)
	return nil
}

// Has implements registry.Blocks.
func (b *Blocks) Has(_ context.Context, c cid.Cid) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.m[string(c.Hash())]
	return ok, nil
}

// Corrupt replaces the stored bytes of c, for tests of damaged stores.
func (b *Blocks) Corrupt(c cid.Cid, data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[string(c.Hash())] = data
}

// Len returns the number of stored blocks.
func (b *Blocks) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

// Each calls fn with the bytes of every stored block, in no order.
func (b *Blocks) Each(fn func(data []byte)) {
	b.mu.Lock()
	all := make([][]byte, 0, len(b.m))
	for _, d := range b.m {
		all = append(all, d)
	}
	b.mu.Unlock()
	for _, d := range all {
		fn(d)
	}
}

// Signer signs with a fake, deterministic "record": the root and sequence.
// It is for registry tests only; registry/ipns has the real one.
type Signer struct{ N string }

// Name implements registry.Signer.
func (s Signer) Name() string { return s.N }

// Sign implements registry.Signer.
func (s Signer) Sign(root cid.Cid, seq uint64) ([]byte, error) {
	return fmt.Appendf(nil, "%s %s %d", s.N, root, seq), nil
}
