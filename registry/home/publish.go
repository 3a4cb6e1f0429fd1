package home

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// PublishDir is a directory to publish as Service@Version.
type PublishDir struct {
	Service manifest.Name
	Version manifest.Version
	Dir     string
	// Import says how Dir is imported (profile, dotfiles, exclusions,
	// progress); "" Profile is unixfs.ProfileV1. Symlinks that get would
	// refuse to write are refused (SafeSymlinks), and so is a tree that
	// holds the home (Homes); Skipped is called as well as collected.
	Import unixfs.Options
	// Limits bound what consumers will expand (unixfs.CheckRelease),
	// checked before anything is stored.
	Limits unixfs.Limits
	// Lifetime and TTL of the record signed (0: ipns.Signer's defaults).
	Lifetime, TTL time.Duration
	// PublishKeys sign the new manifest of a registry with a trust Root
	// (registry.Config.PublishKeys).
	PublishKeys []registry.PublishKey
	// DryRun hashes Dir only, storing, signing and locking nothing
	// (PublishDryRun).
	DryRun bool
}

// Published is what Publish did, or PublishDryRun would do. Its JSON is
// that of svcreg publish --json (with DryRun, publish --dry-run --json).
type Published struct {
	registry.Publication
	DryRun  bool
	Changed bool // a new release was (or would be) recorded
	// Head is the head after Publish; for PublishDryRun the current
	// head, zero when the home has no registry (no key: NoKey; or no
	// state yet).
	Head    registry.Head
	NoKey   bool
	Skipped []unixfs.Skipped // what the import left out
}

// options returns d's import options for the home dir, collecting what
// is left out into p.
func (d PublishDir) options(dir string, p *Published) unixfs.Options {
	o := d.Import
	if o.Profile == "" {
		o.Profile = unixfs.ProfileV1
	}
	o.SafeSymlinks = true
	o.Homes = append(append([]string(nil), o.Homes...), dir)
	skipped := o.Skipped
	o.Skipped = func(s unixfs.Skipped) {
		p.Skipped = append(p.Skipped, s)
		if skipped != nil {
			skipped(s)
		}
	}
	p.Service, p.Version, p.Profile, p.Hidden = d.Service, d.Version, o.Profile, o.Hidden
	return o
}

// Publish imports d.Dir (as `ipfs add -r` does, leaving out what its
// options say and refusing a tree that holds a home or a key) and records
// it as d.Service@d.Version in the home's own registry. The key is
// loaded before any block is stored; the blocks are written unsynced and
// synced together once, after the tree is checked against d.Limits and
// before the head moves, under the block store's lease. Publishing the
// same content again changes nothing (Changed false).
func (h *Home) Publish(ctx context.Context, d PublishDir) (*Published, error) {
	p, err := h.importDir(ctx, d)
	if err != nil {
		return nil, err
	}
	reg, err := h.Signing(d.Lifetime, d.TTL)
	if err != nil {
		return nil, err
	}
	reg.UsePublishKeys(d.PublishKeys...)
	if p.Head, p.Changed, err = reg.Publish(ctx, p.Publication); err != nil {
		return nil, err
	}
	return p, nil
}

// importDir imports and stores d.Dir as Publish does, and returns the
// release to record.
func (h *Home) importDir(ctx context.Context, d PublishDir) (*Published, error) {
	if err := h.RequireWritable(); err != nil {
		return nil, err
	}
	if _, err := h.Key(); err != nil {
		return nil, err // before any block is stored: a failed publish changes nothing
	}
	if err := h.Lease(); err != nil { // gc keeps the blocks until the head moves
		return nil, err
	}
	p := &Published{}
	opts := d.options(h.dir, p)
	opts.PutCopies = true // a batch writes each block to a file at once
	batch := h.blocks.NewBatch()
	defer batch.Discard()
	res, err := unixfs.Import(ctx, batch.Blockstore(), d.Dir, opts)
	if err == nil { // what consumers will expand, checked before anything is stored
		_, err = unixfs.CheckRelease(ctx, batch.Blockstore(), res.Root, res.Size, d.Limits)
	}
	if err == nil {
		err = batch.Commit(ctx)
	}
	if err != nil {
		return nil, err
	}
	p.Content, p.Size = res.Root, res.Size
	return p, nil
}

// PublishIn opens the home dir with o and publishes d in it
// (Home.Publish), or with d.DryRun says what that would change
// (PublishDryRun).
func PublishIn(ctx context.Context, dir string, o *Options, d PublishDir) (*Published, error) {
	if d.DryRun {
		return PublishDryRun(ctx, dir, o, d)
	}
	h, err := Open(dir, o)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	return h.Publish(ctx, d)
}

// PublishDryRun hashes d.Dir as Publish would import it, storing nothing,
// and says what publishing it in the home dir would change
// (registry.PublishDryRun). It needs no registry: without a key the home
// is not opened (NoKey), and one without a state yet has a zero Head.
func PublishDryRun(ctx context.Context, dir string, o *Options, d PublishDir) (*Published, error) {
	p := &Published{DryRun: true}
	res, err := unixfs.Hash(ctx, d.Dir, d.options(dir, p))
	if err != nil {
		return nil, err
	}
	p.Content, p.Size = res.Root, res.Size
	if _, err := os.Stat(Layout(dir).KeyPath()); errors.Is(err, fs.ErrNotExist) {
		p.NoKey = true
		return p, nil
	}
	h, err := Open(dir, o)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	reg, err := h.Registry()
	if err != nil {
		return nil, err
	}
	head, changed, err := reg.PublishDryRun(ctx, []registry.Publication{p.Publication})
	if errors.Is(err, registry.ErrNoHead) {
		return p, nil
	} else if err != nil {
		return nil, err
	}
	p.Head, p.Changed = head, changed
	return p, nil
}

// Seq is the state Publish made; for a dry run, the state a publish
// would make (0 when nothing would change or there is no registry).
func (p *Published) Seq() uint64 {
	if p.DryRun && (!p.Changed || p.Head.Name == "") {
		return 0
	}
	if p.DryRun {
		return p.Head.Seq + 1
	}
	return p.Head.Seq
}

type publishedJSON struct {
	Service string           `json:"service"`
	Version string           `json:"version"`
	CID     string           `json:"cid"`
	Size    uint64           `json:"size"`
	Profile string           `json:"profile"`
	Changed bool             `json:"changed"`
	Root    string           `json:"root"`
	Seq     uint64           `json:"seq"`
	Skipped []unixfs.Skipped `json:"skipped"`
}

type dryRunJSON struct {
	DryRun   bool             `json:"dry_run"`
	Service  string           `json:"service"`
	Version  string           `json:"version"`
	CID      string           `json:"cid"`
	Size     uint64           `json:"size"`
	Profile  string           `json:"profile"`
	Registry string           `json:"registry"` // "": the home has no registry
	Changed  bool             `json:"changed"`
	Seq      uint64           `json:"seq"`
	Skipped  []unixfs.Skipped `json:"skipped"`
}

// MarshalJSON writes p as publish --json does: {service, version, cid,
// size, profile, changed, root, seq, skipped}; a dry run as {dry_run,
// service, version, cid, size, profile, registry, changed, seq,
// skipped}.
func (p *Published) MarshalJSON() ([]byte, error) {
	skipped := p.Skipped
	if skipped == nil {
		skipped = []unixfs.Skipped{}
	}
	if p.DryRun {
		return json.Marshal(dryRunJSON{DryRun: true, Service: string(p.Service), Version: p.Version.String(), CID: p.Content.String(),
			Size: p.Size, Profile: p.Profile, Registry: p.Head.Name, Changed: p.Changed, Seq: p.Seq(), Skipped: skipped})
	}
	return json.Marshal(publishedJSON{Service: string(p.Service), Version: p.Version.String(), CID: p.Content.String(), Size: p.Size,
		Profile: p.Profile, Changed: p.Changed, Root: p.Head.Root.String(), Seq: p.Seq(), Skipped: skipped})
}
