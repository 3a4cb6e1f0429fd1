package registry

import (
	"context"
)

// PublishDryRun reports what PublishAll(ctx, ps) would do at the current
// head, without storing or signing anything: changed is false when every
// release is already published with the same content. It fails as
// PublishAll would (wrapping manifest.ErrImmutable for other content under
// a published version), except that the content need not be stored. It
// needs no Signer and returns the current head.
func (r *Registry) PublishDryRun(ctx context.Context, ps []Publication) (h Head, changed bool, err error) {
	head, m, err := r.Manifest(ctx)
	if err != nil {
		return Head{}, false, err
	}
	c := &change{r: r, m: m, services: m.Services, releases: m.Releases}
	now := r.now().UTC().Truncate(1e9)
	for _, p := range ps {
		if err := c.add(ctx, p, now); err != nil {
			return Head{}, false, err
		}
	}
	return head, c.changed, nil
}
