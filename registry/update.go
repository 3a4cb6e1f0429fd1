package registry

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// maxAttempts bounds the optimistic retries of one change when other
// writers keep moving the head.
const maxAttempts = 64

// change is one pending manifest change: reads see the blocks it wrote.
type change struct {
	r        *Registry
	m        *manifest.Manifest
	services cid.Cid
	releases uint64
	pending  map[cid.Cid]manifest.Block
	order    []cid.Cid
	dirty    map[manifest.Name]*manifest.Service // changed services, stored at flush
	// loaded holds, per sharded service, the releases read from its
	// VersionIndex as they were: flush stores only those that differ.
	loaded  map[manifest.Name]map[string]manifest.Release
	indexes map[cid.Cid]manifest.Index       // index nodes decoded so far
	vnodes  map[cid.Cid]manifest.VersionNode // version index nodes decoded so far
	changed bool
}

// index loads an index node once per change: a lookup and the insert that
// follows it read the same nodes.
func (c *change) index(ctx context.Context, k cid.Cid) (manifest.Index, error) {
	if ix, ok := c.indexes[k]; ok {
		return ix, nil
	}
	ix, err := loadIndex(ctx, c.get, k)
	if err == nil {
		if c.indexes == nil {
			c.indexes = map[cid.Cid]manifest.Index{}
		}
		c.indexes[k] = ix
	}
	return ix, err
}

func (c *change) get(ctx context.Context, k cid.Cid) ([]byte, error) {
	if b, ok := c.pending[k]; ok {
		return b.Data, nil
	}
	return c.r.blocks.Get(ctx, k)
}

func (c *change) put(b manifest.Block) {
	if _, ok := c.pending[b.CID]; !ok {
		c.pending[b.CID] = b
		c.order = append(c.order, b.CID)
	}
}

// service loads the named service, or returns nil when it does not exist.
func (c *change) service(ctx context.Context, name manifest.Name) (*manifest.Service, error) {
	if s, ok := c.dirty[name]; ok {
		return s, nil
	}
	svc, _, err := lookup(ctx, c.index, c.services, string(name))
	if err != nil || !svc.Defined() {
		return nil, err
	}
	return loadService(ctx, c.get, svc, string(name))
}

// versionTree reads and writes version indexes within the change.
func (c *change) versionTree() shardTree[manifest.Release] {
	if c.vnodes == nil {
		c.vnodes = map[cid.Cid]manifest.VersionNode{}
	}
	return versionTree(c.get, c.put, c.r.versionLeafMax, c.vnodes)
}

// need loads into s.Releases, when s is sharded, what a change to it
// reads: the versions named, or every version when all is set.
func (c *change) need(ctx context.Context, s *manifest.Service, all bool, versions ...string) error {
	var added map[string]manifest.Release
	var err error
	if all {
		added, err = loadAllVersions(ctx, c.versionTree(), s)
	} else {
		added, err = loadVersions(ctx, c.versionTree(), s, versions...)
	}
	if err != nil || len(added) == 0 {
		return err
	}
	if c.loaded == nil {
		c.loaded = map[manifest.Name]map[string]manifest.Release{}
	}
	if c.loaded[s.Name] == nil {
		c.loaded[s.Name] = map[string]manifest.Release{}
	}
	maps.Copy(c.loaded[s.Name], added)
	return nil
}

// store marks s changed; flush writes it.
func (c *change) store(s *manifest.Service) {
	if c.dirty == nil {
		c.dirty = map[manifest.Name]*manifest.Service{}
	}
	c.dirty[s.Name] = s
	c.changed = true
}

// flush encodes the changed services and links them into the index in one
// pass over the tree.
func (c *change) flush(ctx context.Context) error {
	entries := make(map[string]cid.Cid, len(c.dirty))
	for name, s := range c.dirty {
		b, err := c.encodeService(ctx, s)
		if err != nil {
			return err
		}
		c.put(b)
		entries[string(name)] = b.CID
	}
	if len(entries) == 0 {
		return nil
	}
	root, err := indexTree(c.index, c.put, c.r.leafMax).insert(ctx, c.services, 0, entries)
	if err != nil {
		return err
	}
	c.services = root
	return nil
}

// encodeService stores what changed in a service's versions and returns
// its block. A service keeps its versions inline while its block stays
// within the leaf limit; past it they move to a VersionIndex, for good.
func (c *change) encodeService(ctx context.Context, s *manifest.Service) (manifest.Block, error) {
	t := c.versionTree()
	if !s.Sharded() {
		if manifest.ReleasesSize(s.Releases) <= t.leafMax {
			if b, err := manifest.EncodeService(s); err != nil || len(b.Data) <= t.leafMax {
				return b, err
			}
		}
		root, err := t.build(s.Releases, 0)
		if err != nil {
			return manifest.Block{}, fmt.Errorf("service %s: %w", s.Name, err)
		}
		s.VersionIndex = root
		return manifest.EncodeService(s)
	}
	changed := map[string]manifest.Release{}
	for v, r := range s.Releases {
		if old, ok := c.loaded[s.Name][v]; !ok || !old.Equal(r) {
			changed[v] = r
		}
	}
	if len(changed) > 0 {
		root, err := t.insert(ctx, s.VersionIndex, 0, changed)
		if err != nil {
			return manifest.Block{}, fmt.Errorf("service %s: %w", s.Name, err)
		}
		s.VersionIndex = root
	}
	return manifest.EncodeService(s)
}

// update applies fn to the current manifest and, if fn changed anything,
// writes the new blocks, signs the new state and moves the head in one
// cache transaction. A head that links a trust Root passes the link on,
// and the new manifest is signed by the publish keys (ErrNoPublishKey
// without any; a change that changes nothing needs none). When another writer moved the head first, it starts
// again from the new head. what describes the change for the log.
func (r *Registry) update(ctx context.Context, what string, fn func(ctx context.Context, c *change) error) (Head, bool, error) {
	if r.signer == nil && r.proposal == nil {
		return Head{}, false, ErrReadOnly
	}
	for range maxAttempts {
		head, m, err := r.Manifest(ctx)
		if err != nil {
			return Head{}, false, err
		}
		c := &change{r: r, m: m, services: m.Services, releases: m.Releases, pending: map[cid.Cid]manifest.Block{}}
		if err := fn(ctx, c); err != nil {
			return Head{}, false, err
		}
		if !c.changed {
			return head, false, nil
		}
		if err := c.flush(ctx); err != nil {
			return Head{}, false, err
		}
		if r.proposal != nil { // a Proposer's: build the change, commit nothing
			ch, err := r.propose(ctx, head, c, what)
			*r.proposal = ch
			return head, err == nil, err
		}
		next, err := r.commit(ctx, head, c, what)
		if errors.Is(err, ErrHeadMoved) {
			r.log.Debug("head moved, retrying", "registry", r.name, "seq", head.Seq)
			continue
		}
		return next, err == nil, err
	}
	return Head{}, false, fmt.Errorf("%s: %w %d times; too many concurrent writers", what, ErrHeadMoved, maxAttempts)
}

// next returns the manifest that follows head with the change c.
func (r *Registry) next(head Head, c *change, what string) *manifest.Manifest {
	return &manifest.Manifest{
		Format: manifest.FormatVersion, Registry: r.name, Seq: head.Seq + 1, Prev: head.Root, Time: r.now().UTC().Truncate(1e9),
		Change: what, Services: c.services, Releases: c.releases, Root: c.m.Root,
	}
}

func (r *Registry) commit(ctx context.Context, head Head, c *change, what string) (Head, error) {
	next := r.next(head, c, what)
	rf, err := r.signManifest(ctx, c.get, next)
	if err != nil {
		return Head{}, err
	}
	b, err := manifest.EncodeManifest(next)
	if err != nil {
		return Head{}, err
	}
	c.put(b)
	if err := r.putBlocks(ctx, c); err != nil {
		return Head{}, err
	}
	rec, err := r.signer.Sign(b.CID, next.Seq)
	if err != nil {
		return Head{}, fmt.Errorf("sign seq %d: %w", next.Seq, err)
	}
	h := Head{Name: r.name, Root: b.CID, Seq: next.Seq, Record: rec}
	if err := r.moveHead(ctx, head, h, rf, slices.Collect(maps.Keys(c.dirty))); err != nil {
		return Head{}, err
	}
	return h, nil
}

// putBlocks stores the change's blocks, durably, before the head can point
// at them: in one batch when Blocks is a BlockBatcher, else leaves first.
func (r *Registry) putBlocks(ctx context.Context, c *change) error {
	if bb, ok := r.blocks.(BlockBatcher); ok {
		blks := make([]manifest.Block, 0, len(c.order))
		for _, k := range c.order {
			blks = append(blks, c.pending[k])
		}
		if err := bb.PutMany(ctx, blks); err != nil {
			return fmt.Errorf("store %d blocks: %w", len(blks), err)
		}
		return nil
	}
	for _, k := range c.order {
		if err := r.blocks.Put(ctx, k, c.pending[k].Data); err != nil {
			return fmt.Errorf("store block %s: %w", k, err)
		}
	}
	return nil
}

// loadService loads the Service block c, filed in the index as name. A
// block of another service under this name is refused: it would make a
// lookup of name answer with another service's releases.
func loadService(ctx context.Context, get getFunc, c cid.Cid, name string) (*manifest.Service, error) {
	data, err := get(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("load service %s: %w", c, err)
	}
	s, err := manifest.DecodeService(data)
	if err != nil {
		return nil, fmt.Errorf("load service %s: %w", c, err)
	}
	if string(s.Name) != name {
		return nil, fmt.Errorf("load service %s: %w: the index files it as %q, but it is the service %q",
			c, manifest.ErrInvalidManifest, name, s.Name)
	}
	return s, nil
}
