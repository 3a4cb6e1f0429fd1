package registry

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// BlockKind says what a block is to a registry.
type BlockKind int

// The kinds of blocks Reach reports.
const (
	KindManifest BlockKind = iota // a manifest state
	KindIndex                     // a node of a state's service index
	KindService                   // a Service block
	KindContent                   // the root of a release's content (UnixFS)
	KindVersions                  // a node of a large service's VersionIndex
	KindRoot                      // a signed trust Root (package manifest/trust)
)

func (k BlockKind) String() string {
	return [...]string{"manifest", "index", "service", "content", "version index", "root"}[k]
}

// Reach lists the blocks that registry heads reach: each head's states
// (following prev links), their index trees and Service blocks, the
// trust Roots they link (and the Roots before those), and the
// content roots of every release. It is what fsck checks and what gc
// keeps. A Reach remembers what it visited, so blocks shared between
// states, heads or calls are visited once. It is not safe for concurrent
// use.
type Reach struct {
	Blocks Blocks
	// KeepHistory, when above 0, limits each head to its newest
	// KeepHistory states; older states and what only they reach are not
	// visited.
	KeepHistory int
	// Release, when set, is called with each release whose content root
	// is visited (once per content root), before visit is: its service,
	// version and record. When it returns an error, the walk stops with it.
	Release func(service, version string, rel manifest.Release) error
	seen    map[cid.Cid]bool
}

// Visit is called by Reach.Walk once for each block: its CID, its kind,
// and the error of reading or decoding it (then the walk does not go
// below it). Content roots are reported, not read. When Visit returns an
// error, the walk stops with it.
type Visit func(c cid.Cid, kind BlockKind, err error) error

// Walk visits what h reaches. Missing or damaged blocks are passed to
// visit, not returned: the walk goes on with the rest.
func (r *Reach) Walk(ctx context.Context, h Head, visit Visit) error {
	if r.seen == nil {
		r.seen = map[cid.Cid]bool{}
	}
	want := h.Seq
	for c, n := h.Root, 0; c.Defined() && (r.KeepHistory <= 0 || n < r.KeepHistory); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.seen[c] {
			return nil // older states were walked from another head or call
		}
		r.seen[c] = true
		m, err := r.manifest(ctx, c, h.Name, want)
		if err != nil {
			return visit(c, KindManifest, err)
		}
		if err := visit(c, KindManifest, nil); err != nil {
			return err
		}
		if err := r.index(ctx, m.Services, visit); err != nil {
			return err
		}
		if err := r.roots(ctx, m.Root, visit); err != nil {
			return err
		}
		c, want = m.Prev, want-1
	}
	return nil
}

func (r *Reach) manifest(ctx context.Context, c cid.Cid, name string, seq uint64) (*manifest.Manifest, error) {
	data, err := r.Blocks.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return nil, err
	}
	if m.Registry != name || m.Seq != seq {
		return nil, fmt.Errorf("%w: state %s is seq %d of %s, expected seq %d of %s",
			manifest.ErrInvalidManifest, c, m.Seq, m.Registry, seq, name)
	}
	return m, nil
}

// roots visits the signed Root c and the versions before it.
func (r *Reach) roots(ctx context.Context, c cid.Cid, visit Visit) error {
	for c.Defined() && !r.seen[c] {
		r.seen[c] = true
		sr, err := loadRoot(ctx, r.Blocks.Get, c)
		if err != nil {
			return visit(c, KindRoot, err)
		}
		if err := visit(c, KindRoot, nil); err != nil {
			return err
		}
		c = sr.Root.Prev
	}
	return nil
}

// index visits the index tree under c and the services it links.
func (r *Reach) index(ctx context.Context, c cid.Cid, visit Visit) error {
	nodes := func(c cid.Cid, err error) error { return visit(c, KindIndex, err) }
	return indexTree(loader(r.Blocks.Get), nil, 0).walk(ctx, c, r.seen, true, nodes, func(name string, svc cid.Cid, misfiled error) error {
		if misfiled != nil {
			return visit(svc, KindService, misfiled)
		}
		return r.service(ctx, svc, name, visit)
	})
}

func (r *Reach) service(ctx context.Context, c cid.Cid, name string, visit Visit) error {
	if r.seen[c] {
		return nil
	}
	r.seen[c] = true
	s, err := loadService(ctx, r.Blocks.Get, c, name)
	if err != nil {
		return visit(c, KindService, err)
	}
	if err := visit(c, KindService, nil); err != nil {
		return err
	}
	content := func(v string, rel manifest.Release, misfiled error) error {
		if misfiled != nil {
			return visit(rel.Content, KindVersions, misfiled)
		}
		if r.seen[rel.Content] {
			return nil
		}
		r.seen[rel.Content] = true
		if r.Release != nil {
			if err := r.Release(name, v, rel); err != nil {
				return err
			}
		}
		return visit(rel.Content, KindContent, nil)
	}
	if s.Sharded() {
		nodes := func(c cid.Cid, err error) error { return visit(c, KindVersions, err) }
		return versionReader(r.Blocks.Get).walk(ctx, s.VersionIndex, r.seen, true, nodes, content)
	}
	for v, rel := range s.Releases {
		if err := content(v, rel, nil); err != nil {
			return err
		}
	}
	return nil
}

// RecoverHead returns the newest state of the registry name that records
// (marshalled IPNS records, in any order) prove: a record that verifies
// and points at a manifest block that is stored, intact, and is that
// sequence of that registry. It is how a lost or damaged index is rebuilt
// from the record files kept beside the blocks, so verify should not
// refuse a record for having expired: the floor is about sequence, not
// freshness. It wraps ErrNoHead when no record qualifies, with why.
func RecoverHead(ctx context.Context, blocks Blocks, verify RecordVerifier, name string, records [][]byte) (Head, error) {
	var best Head
	var errs []error
	for _, raw := range records {
		rec, err := verify.VerifyRecord(name, raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if rec.Seq <= best.Seq {
			continue
		}
		r := Reach{Blocks: blocks}
		if _, err := r.manifest(ctx, rec.Root, name, rec.Seq); err != nil {
			errs = append(errs, fmt.Errorf("seq %d: %w", rec.Seq, err))
			continue
		}
		best = Head{Name: name, Root: rec.Root, Seq: rec.Seq, Record: raw}
	}
	if best.Seq == 0 {
		if len(errs) == 0 {
			return Head{}, fmt.Errorf("recover head of %s: %w: no record", name, ErrNoHead)
		}
		return Head{}, fmt.Errorf("recover head of %s: %w: %w", name, ErrNoHead, errors.Join(errs...))
	}
	return best, nil
}
