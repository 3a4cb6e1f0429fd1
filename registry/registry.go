package registry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// Config wires a Registry to its storage. Blocks and Index are required;
// Signer is needed only to change the registry; zero Now and Logger mean
// time.Now and a discarding logger.
type Config struct {
	Name   string // the registry's IPNS name; defaults to Signer.Name()
	Blocks Blocks
	Index  Index
	Signer Signer
	// PublishKeys sign the manifest of each change when the head links a
	// trust Root (package manifest/trust); such a registry refuses to
	// change without them (ErrNoPublishKey).
	PublishKeys []PublishKey
	Now         func() time.Time
	Logger      *slog.Logger
	// IndexLeafMax overrides manifest.IndexLeafMax. It changes the shape of
	// the index (and so CIDs) and exists for tests of sharding; leave zero.
	IndexLeafMax int
	// VersionLeafMax overrides manifest.VersionLeafMax, as IndexLeafMax
	// does manifest.IndexLeafMax.
	VersionLeafMax int
}

// Registry reads and changes one registry's manifest.
type Registry struct {
	name   string
	blocks Blocks
	cache  Index
	signer Signer
	// publishers sign manifests of a registry with a trust Root.
	publishers []PublishKey
	now        func() time.Time
	log        *slog.Logger
	leafMax    int
	// versionLeafMax is the largest inline Service block and VersionIndex leaf.
	versionLeafMax int

	// proposal, set on a Proposer's copy, receives the change that
	// update builds instead of committing it.
	proposal **Change
}

// New returns a Registry for cfg.
func New(cfg Config) (*Registry, error) {
	r := &Registry{name: cfg.Name, blocks: cfg.Blocks, cache: cfg.Index, signer: cfg.Signer, now: cfg.Now, log: cfg.Logger,
		publishers: slices.Clone(cfg.PublishKeys)}
	if r.name == "" && r.signer != nil {
		r.name = r.signer.Name()
	}
	switch {
	case r.blocks == nil || r.cache == nil:
		return nil, errors.New("new registry: blocks and cache are required")
	case r.name == "":
		return nil, errors.New("new registry: no name and no signer")
	case r.signer != nil && r.signer.Name() != r.name:
		return nil, fmt.Errorf("new registry: signer key is %s, not %s", r.signer.Name(), r.name)
	}
	if r.leafMax = cfg.IndexLeafMax; r.leafMax <= 0 {
		r.leafMax = manifest.IndexLeafMax
	}
	if r.versionLeafMax = cfg.VersionLeafMax; r.versionLeafMax <= 0 {
		r.versionLeafMax = manifest.VersionLeafMax
	}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// Name returns the registry's IPNS name.
func (r *Registry) Name() string { return r.name }

// Head returns the registry's current head. It wraps ErrNoHead before Init.
func (r *Registry) Head(ctx context.Context) (Head, error) {
	h, err := r.cache.Head(ctx, r.name)
	if errors.Is(err, ErrNoHead) {
		return Head{}, fmt.Errorf("%w: %s", ErrNoHead, r.name)
	}
	return h, err
}

// Manifest returns the head's manifest, checked against the head.
func (r *Registry) Manifest(ctx context.Context) (Head, *manifest.Manifest, error) {
	h, err := r.Head(ctx)
	if err != nil {
		return Head{}, nil, err
	}
	m, err := r.loadManifest(ctx, r.blocks.Get, h.Root)
	if err != nil {
		return Head{}, nil, err
	}
	if m.Registry != r.name || m.Seq != h.Seq {
		return Head{}, nil, fmt.Errorf("%w: head %s is seq %d of %s, expected seq %d of %s",
			manifest.ErrInvalidManifest, h.Root, m.Seq, m.Registry, h.Seq, r.name)
	}
	return h, m, nil
}

type getFunc func(context.Context, cid.Cid) ([]byte, error)

func (r *Registry) loadManifest(ctx context.Context, get getFunc, c cid.Cid) (*manifest.Manifest, error) {
	data, err := get(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("load manifest %s: %w", c, err)
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("load manifest %s: %w", c, err)
	}
	return m, nil
}
