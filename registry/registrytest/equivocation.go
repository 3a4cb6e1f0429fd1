package registrytest

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/svcreg/svcreg/registry"
)

var _ registry.EquivocationIndex = (*Index)(nil)

// AddEquivocation implements registry.EquivocationIndex.
func (c *Index) AddEquivocation(_ context.Context, e registry.Equivocation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.equiv {
		if x.Name == e.Name && x.Seq == e.Seq && x.Kept.Equals(e.Kept) && x.Other.Equals(e.Other) {
			return nil
		}
	}
	c.equiv = append(c.equiv, e)
	return nil
}

// Equivocations implements registry.EquivocationIndex.
func (c *Index) Equivocations(context.Context) ([]registry.Equivocation, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := slices.Clone(c.equiv)
	slices.SortStableFunc(out, func(a, b registry.Equivocation) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Seq, b.Seq))
	})
	return out, nil
}
