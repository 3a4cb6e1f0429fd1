package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// Init writes the registry's first state (seq 1, no services) and makes it
// the head. It wraps ErrExists when the registry already has a head.
func (r *Registry) Init(ctx context.Context) (Head, error) {
	return r.init(ctx, nil)
}

// InitRoot is Init for a registry with a trust Root: sr, a signed Root
// of the registry that its own root threshold signed, is stored and
// linked from the first manifest, which the publish keys sign
// (ErrNoPublishKey without any; ErrUntrusted when they do not meet the
// Root's publish threshold).
func (r *Registry) InitRoot(ctx context.Context, sr *trust.SignedRoot) (Head, error) {
	if sr.Root.Registry != r.name {
		return Head{}, fmt.Errorf("init %s: %w: %w: the root names %s", r.name, ErrUntrusted, trust.ErrWrongRegistry, sr.Root.Registry)
	}
	if err := trust.VerifyRoot(sr); err != nil {
		return Head{}, fmt.Errorf("init %s: %w: %w", r.name, ErrUntrusted, err)
	}
	return r.init(ctx, sr)
}

func (r *Registry) init(ctx context.Context, sr *trust.SignedRoot) (Head, error) {
	if r.signer == nil {
		return Head{}, ErrReadOnly
	}
	if h, err := r.cache.Head(ctx, r.name); err == nil {
		return h, fmt.Errorf("init %s: %w", r.name, ErrExists)
	} else if !errors.Is(err, ErrNoHead) {
		return Head{}, err
	}
	ix, err := manifest.EncodeIndex(manifest.Index{})
	if err != nil {
		return Head{}, err
	}
	c := &change{r: r, pending: map[cid.Cid]manifest.Block{}}
	c.put(ix)
	m := &manifest.Manifest{Registry: r.name, Seq: 1, Time: r.now().UTC().Truncate(1e9), Change: "init", Services: ix.CID}
	if sr != nil {
		rb, err := trust.EncodeSignedRoot(sr)
		if err != nil {
			return Head{}, err
		}
		c.put(rb)
		m.Root = rb.CID
	}
	rf, err := r.signManifest(ctx, c.get, m)
	if err != nil {
		return Head{}, err
	}
	mb, err := manifest.EncodeManifest(m)
	if err != nil {
		return Head{}, err
	}
	c.put(mb)
	if err := r.putBlocks(ctx, c); err != nil {
		return Head{}, err
	}
	rec, err := r.signer.Sign(mb.CID, 1)
	if err != nil {
		return Head{}, fmt.Errorf("sign seq 1: %w", err)
	}
	h := Head{Name: r.name, Root: mb.CID, Seq: 1, Record: rec}
	if err := swapHead(ctx, r.cache, 0, h, rf); err != nil {
		if errors.Is(err, ErrHeadMoved) {
			return Head{}, fmt.Errorf("init %s: %w", r.name, ErrExists)
		}
		return Head{}, fmt.Errorf("init %s: %w", r.name, err)
	}
	return h, nil
}

// Publication is a release to record: content already stored in Blocks.
type Publication struct {
	Service manifest.Name
	Version manifest.Version
	Content cid.Cid
	Size    uint64
	Profile string
	Hidden  bool
}

// Publish records p. Publishing the same content again changes nothing and
// returns changed false; other content for an existing version wraps
// manifest.ErrImmutable and changes nothing.
func (r *Registry) Publish(ctx context.Context, p Publication) (h Head, changed bool, err error) {
	return r.PublishAll(ctx, []Publication{p})
}

// PublishAll records several releases in one manifest change: all of them
// or, if any is refused, none.
func (r *Registry) PublishAll(ctx context.Context, ps []Publication) (h Head, changed bool, err error) {
	for _, p := range ps {
		if ok, err := r.blocks.Has(ctx, p.Content); err != nil {
			return Head{}, false, err
		} else if !ok {
			return Head{}, false, fmt.Errorf("publish %s@%s: content %s: %w", p.Service, p.Version, p.Content, ErrBlockNotFound)
		}
	}
	what := fmt.Sprintf("publish %d releases", len(ps))
	if len(ps) == 1 {
		what = fmt.Sprintf("publish %s@%s", ps[0].Service, ps[0].Version)
	}
	now := r.now().UTC().Truncate(1e9)
	return r.update(ctx, what, func(ctx context.Context, c *change) error {
		for _, p := range ps {
			if err := c.add(ctx, p, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (c *change) add(ctx context.Context, p Publication, now time.Time) error {
	s, err := c.service(ctx, p.Service)
	if err != nil {
		return err
	}
	if s == nil {
		s = manifest.NewService(p.Service)
	}
	if err := c.need(ctx, s, false, p.Version.String(), s.Tags[manifest.LatestTag]); err != nil {
		return err
	}
	rel := manifest.Release{Content: p.Content, Size: p.Size, Profile: p.Profile, Hidden: p.Hidden, Published: now}
	added, err := s.Add(p.Version, rel)
	if err != nil || !added {
		return err
	}
	c.releases++
	c.store(s)
	return nil
}

// Tag points tag of service at version.
func (r *Registry) Tag(ctx context.Context, service manifest.Name, v manifest.Version, tag string) (Head, bool, error) {
	what := fmt.Sprintf("tag %s@%s %s", service, v, tag)
	return r.modify(ctx, service, v, what, func(s *manifest.Service) (bool, error) { return s.SetTag(tag, v) })
}

// Yank marks service@v yanked with reason, or restores it when undo.
func (r *Registry) Yank(ctx context.Context, service manifest.Name, v manifest.Version, reason string, undo bool) (Head, bool, error) {
	what := fmt.Sprintf("yank %s@%s", service, v)
	var y *manifest.Yank
	if undo {
		what = fmt.Sprintf("unyank %s@%s", service, v)
	} else {
		y = &manifest.Yank{Reason: reason, Time: r.now().UTC().Truncate(1e9)}
	}
	return r.modify(ctx, service, v, what, func(s *manifest.Service) (bool, error) { return s.SetYank(v, y) })
}

// modify applies fn to the service name, whose version v it changes.
func (r *Registry) modify(ctx context.Context, name manifest.Name, v manifest.Version, what string, fn func(*manifest.Service) (bool, error)) (Head, bool, error) {
	return r.update(ctx, what, func(ctx context.Context, c *change) error {
		s, err := c.service(ctx, name)
		if err != nil {
			return err
		}
		if s == nil {
			return fmt.Errorf("%w: %s", ErrServiceNotFound, name)
		}
		if err := c.need(ctx, s, s.NeedsAllVersions(v), v.String(), s.Tags[manifest.LatestTag]); err != nil {
			return err
		}
		changed, err := fn(s)
		if err != nil || !changed {
			return err
		}
		c.store(s)
		return nil
	})
}
