package maint

import (
	"context"

	"github.com/svcreg/svcreg/registry"
)

// headRootFloors returns the root floor each of heads shows: the Root its
// manifest links, once registry.VerifyPublished finds the manifest
// carrying that Root's publish threshold. A rebuilt index gets these, so
// that the next fetch continues from them instead of trusting the first
// Root it is shown. A rebuild can only re-derive what the heads show: a
// head whose manifest links no Root gives none (the registry is plain),
// and a head that fails the check gives none and is reported.
func headRootFloors(ctx context.Context, blocks registry.Blocks, heads []registry.Head, rep *Report) map[string]registry.RootFloor {
	floors := map[string]registry.RootFloor{}
	for _, h := range heads {
		_, rf, err := registry.VerifyPublished(ctx, blocks, h, registry.RootFloor{})
		switch {
		case err != nil:
			rep.problem("registry %s: no root floor restored: %v", h.Name, err)
		case rf.Root.Defined():
			floors[h.Name] = rf
		}
	}
	return floors
}
