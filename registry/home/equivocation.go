package home

import (
	"context"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

var _ registry.EquivocationIndex = (*index)(nil)

// AddEquivocation implements registry.EquivocationIndex.
func (x *index) AddEquivocation(ctx context.Context, e registry.Equivocation) error {
	return x.write(func(db *bolt.Index) error { return db.AddEquivocation(ctx, e) })
}

// Equivocations implements registry.EquivocationIndex.
func (x *index) Equivocations(ctx context.Context) (out []registry.Equivocation, err error) {
	_, err = x.read(func(db *bolt.Index) error { out, err = db.Equivocations(ctx); return err })
	return out, err
}
