package follow

import (
	"context"
	"fmt"

	"github.com/svcreg/svcreg/registry"
)

// checkPublished checks, before the node signs a record for head, that
// head's manifest carries the publish threshold of its Root (for a
// registry with one: registry.VerifyPublished against the root floor).
// A plain registry's manifest passes as before.
func (f *Follower) checkPublished(ctx context.Context, head registry.Head) error {
	floor, err := registry.IndexRootFloor(ctx, f.cfg.Index, f.name)
	if err != nil {
		return fmt.Errorf("re-sign %s: %w", f.name, err)
	}
	if _, _, err := registry.VerifyPublished(ctx, f.cfg.Blocks, head, floor); err != nil {
		return fmt.Errorf("re-sign %s: %w: %w", f.name, ErrWillNotSign, err)
	}
	return nil
}
