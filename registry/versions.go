package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// versionTree reads, and with put writes, the VersionIndex of one large
// service: the same sharding as the service index (tree.go), keyed by
// version instead of name, with releases in the leaves.
type versionTree struct {
	get     getFunc
	put     func(manifest.Block) // nil for reads
	leafMax int
	// cache, when not nil, keeps the nodes decoded so far: a change looks
	// up two versions and then inserts along the same paths.
	cache map[cid.Cid]manifest.VersionNode
}

func (t versionTree) node(ctx context.Context, c cid.Cid) (manifest.VersionNode, error) {
	if n, ok := t.cache[c]; ok {
		return n, nil
	}
	data, err := t.get(ctx, c)
	if err != nil {
		return manifest.VersionNode{}, fmt.Errorf("load version index %s: %w", c, err)
	}
	n, err := manifest.DecodeVersionNode(data)
	if err != nil {
		return manifest.VersionNode{}, fmt.Errorf("load version index %s: %w", c, err)
	}
	if t.cache != nil {
		t.cache[c] = n
	}
	return n, nil
}

// lookup finds version under root. It returns the release, whether it
// exists, and the nodes and shard keys on the way (when it exists).
func (t versionTree) lookup(ctx context.Context, root cid.Cid, version string) (manifest.Release, bool, []cid.Cid, []string, error) {
	var nodes []cid.Cid
	var keys []string
	c := root
	for depth := 0; depth <= maxBranchDepth; depth++ {
		n, err := t.node(ctx, c)
		if err != nil {
			return manifest.Release{}, false, nil, nil, err
		}
		nodes = append(nodes, c)
		if !n.IsBranch() {
			r, ok := n.Releases[version]
			return r, ok, nodes, keys, nil
		}
		key := manifest.ShardKey(version, depth)
		next, ok := n.Children[key]
		if !ok {
			return manifest.Release{}, false, nil, nil, nil
		}
		keys, c = append(keys, key), next
	}
	return manifest.Release{}, false, nil, nil, errTooDeep(root)
}

// insert sets each version → release of entries in the tree under c
// (undefined: empty) at depth, and returns the new node's CID.
func (t versionTree) insert(ctx context.Context, c cid.Cid, depth int, entries map[string]manifest.Release) (cid.Cid, error) {
	if depth > maxBranchDepth {
		return cid.Undef, errTooDeep(c)
	}
	var n manifest.VersionNode
	if c.Defined() {
		var err error
		if n, err = t.node(ctx, c); err != nil {
			return cid.Undef, err
		}
	}
	if !n.IsBranch() {
		merged := make(map[string]manifest.Release, len(n.Releases)+len(entries))
		maps.Copy(merged, n.Releases)
		maps.Copy(merged, entries)
		return t.build(merged, depth)
	}
	next := maps.Clone(n.Children)
	for key, group := range groupByShard(entries, depth) {
		child, err := t.insert(ctx, n.Children[key], depth+1, group)
		if err != nil {
			return cid.Undef, err
		}
		next[key] = child
	}
	return t.store(manifest.VersionNode{Children: next})
}

// build stores entries as one leaf or, past t.leafMax, as a branch of
// leaves split by ShardKey at depth: the shape depends on the set of
// versions alone.
func (t versionTree) build(entries map[string]manifest.Release, depth int) (cid.Cid, error) {
	if manifest.ReleasesSize(entries) <= t.leafMax || depth >= maxBranchDepth {
		return t.store(manifest.VersionNode{Releases: entries})
	}
	groups := groupByShard(entries, depth)
	branch := make(map[string]cid.Cid, len(groups))
	for k, g := range groups {
		var err error
		if branch[k], err = t.build(g, depth+1); err != nil {
			return cid.Undef, err
		}
	}
	return t.store(manifest.VersionNode{Children: branch})
}

func (t versionTree) store(n manifest.VersionNode) (cid.Cid, error) {
	b, err := manifest.EncodeVersionNode(n)
	if err != nil {
		return cid.Undef, err
	}
	t.put(b)
	return b.CID, nil
}

// walk calls fn for every release under root, checking the shape as it
// goes as the index walk does: at most maxBranchDepth branch levels,
// every node visited once, every version filed under its shard keys.
// visit, when not nil, is told of each node and what reading it gave; a
// node that failed is not gone below, and the walk goes on when visit
// returns nil. seen is shared with the caller's own walk; with shared set,
// nodes already in it are skipped (walks over several states meet the
// nodes they share), else a node met twice is refused.
func (t versionTree) walk(ctx context.Context, root cid.Cid, seen map[cid.Cid]bool, shared bool, visit func(cid.Cid, error) error, fn func(string, manifest.Release) error) error {
	var node func(c cid.Cid, path []string) error
	node = func(c cid.Cid, path []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var n manifest.VersionNode
		var err error
		switch {
		case seen[c] && shared:
			return nil
		case seen[c]:
			err = fmt.Errorf("%w: version index node %s is linked more than once", manifest.ErrInvalidManifest, c)
		case len(path) > maxBranchDepth:
			err = errTooDeep(c)
		default:
			seen[c] = true
			n, err = t.node(ctx, c)
		}
		if visit != nil {
			if verr := visit(c, err); verr != nil || err != nil {
				return verr
			}
		} else if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(n.Children)) {
			if err := node(n.Children[k], append(slices.Clip(path), k)); err != nil {
				return err
			}
		}
		for _, v := range slices.Sorted(maps.Keys(n.Releases)) {
			if err := checkFiled(v, path); err != nil {
				return err
			}
			if err := fn(v, n.Releases[v]); err != nil {
				return err
			}
		}
		return nil
	}
	return node(root, nil)
}

// loadVersions adds to s.Releases, for a sharded service, those of
// versions that exist and are not there yet, and returns what it added.
// Empty strings are skipped.
func loadVersions(ctx context.Context, t versionTree, s *manifest.Service, versions ...string) (map[string]manifest.Release, error) {
	added := map[string]manifest.Release{}
	if !s.Sharded() {
		return added, nil
	}
	for _, v := range versions {
		if _, ok := s.Releases[v]; ok || v == "" {
			continue
		}
		r, ok, _, _, err := t.lookup(ctx, s.VersionIndex, v)
		if err != nil {
			return nil, err
		}
		if ok {
			s.Releases[v], added[v] = r, r
		}
	}
	return added, nil
}

// loadAllVersions adds every release of a sharded service to s.Releases
// (keeping those already there: they may be changes not yet stored) and
// returns what it added.
func loadAllVersions(ctx context.Context, t versionTree, s *manifest.Service) (map[string]manifest.Release, error) {
	added := map[string]manifest.Release{}
	if !s.Sharded() {
		return added, nil
	}
	err := t.walk(ctx, s.VersionIndex, map[cid.Cid]bool{}, false, nil, func(v string, r manifest.Release) error {
		if _, ok := s.Releases[v]; !ok {
			s.Releases[v], added[v] = r, r
		}
		return nil
	})
	return added, err
}
