package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// The service index and the version index of a large service are the
// same kind of tree: hash-sharded by key (a service name, a version),
// leaves of entries up to a size limit, 256-way branches keyed by
// manifest.ShardKey of the key at the branch's depth. shardTree holds the
// rules once; tree.go and versions.go give it each index's blocks.

// shardNode is one node: a leaf of entries, or a branch of child links.
// A node is never both; an empty node is a leaf.
type shardNode[V any] struct {
	leaf     map[string]V
	children map[string]cid.Cid
}

func (n shardNode[V]) isBranch() bool { return len(n.children) > 0 }

// shardTree reads, and with store writes, one hash-sharded tree.
type shardTree[V any] struct {
	load    func(context.Context, cid.Cid) (shardNode[V], error)
	store   func(shardNode[V]) (cid.Cid, error) // encodes and keeps a new node
	size    func(map[string]V) int              // the encoded size of a leaf
	leafMax int
}

// maxBranchDepth bounds the branch levels of a tree that reads accept:
// 256^8 = 2^64, so eight levels of 256-way branches hold 2^64 keys with
// one per leaf. A tree deeper than that is hostile (it would take a
// sha256 prefix collision to build), and refused before it can make a
// walk run long.
const maxBranchDepth = 8

func errTooDeep(root cid.Cid) error {
	return fmt.Errorf("%w: index %s has more than %d branch levels", manifest.ErrInvalidManifest, root, maxBranchDepth)
}

// lookup finds key under root. It returns its entry, whether it exists,
// and the nodes and shard keys on the way (when it exists).
func (t shardTree[V]) lookup(ctx context.Context, root cid.Cid, key string) (v V, found bool, nodes []cid.Cid, keys []string, err error) {
	c := root
	for depth := 0; depth <= maxBranchDepth; depth++ {
		n, err := t.load(ctx, c)
		if err != nil {
			return v, false, nil, nil, err
		}
		nodes = append(nodes, c)
		if !n.isBranch() {
			v, found = n.leaf[key]
			return v, found, nodes, keys, nil
		}
		shard := manifest.ShardKey(key, depth)
		next, ok := n.children[shard]
		if !ok {
			return v, false, nil, nil, nil
		}
		keys, c = append(keys, shard), next
	}
	return v, false, nil, nil, errTooDeep(root)
}

// insert sets each key → entry of entries in the tree under c (undefined:
// empty) at depth, and returns the new node's CID.
func (t shardTree[V]) insert(ctx context.Context, c cid.Cid, depth int, entries map[string]V) (cid.Cid, error) {
	if depth > maxBranchDepth {
		return cid.Undef, errTooDeep(c)
	}
	var n shardNode[V]
	if c.Defined() {
		var err error
		if n, err = t.load(ctx, c); err != nil {
			return cid.Undef, err
		}
	}
	if !n.isBranch() {
		merged := make(map[string]V, len(n.leaf)+len(entries))
		maps.Copy(merged, n.leaf)
		maps.Copy(merged, entries)
		return t.build(merged, depth)
	}
	next := maps.Clone(n.children)
	for shard, group := range groupByShard(entries, depth) {
		child, err := t.insert(ctx, n.children[shard], depth+1, group)
		if err != nil {
			return cid.Undef, err
		}
		next[shard] = child
	}
	return t.store(shardNode[V]{children: next})
}

// build stores entries as one leaf or, past t.leafMax, as a branch of
// nodes split by ShardKey at depth: the shape depends on the set of keys
// alone.
func (t shardTree[V]) build(entries map[string]V, depth int) (cid.Cid, error) {
	if t.size(entries) <= t.leafMax || depth >= maxBranchDepth {
		return t.store(shardNode[V]{leaf: entries})
	}
	groups := groupByShard(entries, depth)
	branch := make(map[string]cid.Cid, len(groups))
	for shard, g := range groups {
		var err error
		if branch[shard], err = t.build(g, depth+1); err != nil {
			return cid.Undef, err
		}
	}
	return t.store(shardNode[V]{children: branch})
}

// groupByShard splits entries by their keys' shard key at depth.
func groupByShard[V any](entries map[string]V, depth int) map[string]map[string]V {
	groups := map[string]map[string]V{}
	for k, v := range entries {
		shard := manifest.ShardKey(k, depth)
		if groups[shard] == nil {
			groups[shard] = map[string]V{}
		}
		groups[shard][k] = v
	}
	return groups
}

// walk calls fn for every entry under root, in key order, checking the
// shape as it goes so that a hostile tree cannot make it run long: at
// most maxBranchDepth branch levels, every node visited once, every key
// filed under the shard keys of its path (fn gets the error of an entry
// that is not; it may go on). visit, when not nil, is told of each node
// and what reading it gave; a node that failed is not gone below, and the
// walk goes on when visit returns nil. seen is shared with the caller:
// with shared set, nodes already in it are skipped (walks over several
// states meet the nodes they share), else a node met twice is refused.
func (t shardTree[V]) walk(ctx context.Context, root cid.Cid, seen map[cid.Cid]bool, shared bool,
	visit func(cid.Cid, error) error, fn func(key string, v V, misfiled error) error) error {
	var node func(c cid.Cid, path []string) error
	node = func(c cid.Cid, path []string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var n shardNode[V]
		var err error
		switch {
		case seen[c] && shared:
			return nil
		case seen[c]:
			err = fmt.Errorf("%w: index node %s is linked more than once", manifest.ErrInvalidManifest, c)
		case len(path) > maxBranchDepth:
			err = errTooDeep(c)
		default:
			seen[c] = true
			n, err = t.load(ctx, c)
		}
		if visit != nil {
			if verr := visit(c, err); verr != nil || err != nil {
				return verr
			}
		} else if err != nil {
			return err
		}
		for _, k := range slices.Sorted(maps.Keys(n.children)) {
			if err := node(n.children[k], append(slices.Clip(path), k)); err != nil {
				return err
			}
		}
		for _, k := range slices.Sorted(maps.Keys(n.leaf)) {
			if err := fn(k, n.leaf[k], checkFiled(k, path)); err != nil {
				return err
			}
		}
		return nil
	}
	return node(root, nil)
}

// checkFiled checks that key sits under the shard keys it hashes to.
func checkFiled(key string, path []string) error {
	for depth, shard := range path {
		if manifest.ShardKey(key, depth) != shard {
			return fmt.Errorf("%w: %q is filed under shard %s at depth %d, it belongs under %s",
				manifest.ErrInvalidManifest, key, shard, depth, manifest.ShardKey(key, depth))
		}
	}
	return nil
}
