package registry

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// lookup finds the Service block of name under the index root. It returns
// an undefined CID when the service does not exist, and the path of index
// keys from the root to the service.
func lookup(ctx context.Context, load indexLoader, root cid.Cid, name string) (cid.Cid, []string, error) {
	var path []string
	node := root
	for depth := 0; depth <= maxBranchDepth; depth++ {
		ix, err := load(ctx, node)
		if err != nil {
			return cid.Undef, nil, err
		}
		if !ix.IsBranch() {
			return ix.Entries[name], append(path, name), nil
		}
		key := manifest.ShardKey(name, depth)
		next, ok := ix.Entries[key]
		if !ok {
			return cid.Undef, nil, nil
		}
		path, node = append(path, key), next
	}
	return cid.Undef, nil, errTooDeep(root)
}

// maxBranchDepth bounds the branch levels of an index tree that reads
// accept: 256^8 = 2^64, so eight levels of 256-way branches hold 2^64
// services with one per leaf. A tree deeper than that is hostile (it
// would take a sha256 prefix collision to build), and refused before it
// can make a walk run long.
const maxBranchDepth = 8

func errTooDeep(root cid.Cid) error {
	return fmt.Errorf("%w: index %s has more than %d branch levels", manifest.ErrInvalidManifest, root, maxBranchDepth)
}

// indexLoader reads one index node.
type indexLoader func(context.Context, cid.Cid) (manifest.Index, error)

// loader returns an indexLoader reading blocks with get.
func loader(get getFunc) indexLoader {
	return func(ctx context.Context, c cid.Cid) (manifest.Index, error) { return loadIndex(ctx, get, c) }
}

func loadIndex(ctx context.Context, get getFunc, c cid.Cid) (manifest.Index, error) {
	data, err := get(ctx, c)
	if err != nil {
		return manifest.Index{}, fmt.Errorf("load index %s: %w", c, err)
	}
	ix, err := manifest.DecodeIndex(data)
	if err != nil {
		return manifest.Index{}, fmt.Errorf("load index %s: %w", c, err)
	}
	return ix, nil
}

// insert sets each name → svc of entries in the index under node
// (undefined: empty) at depth and returns the new node's CID. New blocks go
// to t.put.
func insert(ctx context.Context, t treeIO, node cid.Cid, depth int, entries map[string]cid.Cid) (cid.Cid, error) {
	if depth > maxBranchDepth {
		return cid.Undef, errTooDeep(node)
	}
	ix := manifest.Index{Entries: map[string]cid.Cid{}}
	if node.Defined() {
		var err error
		if ix, err = t.load(ctx, node); err != nil {
			return cid.Undef, err
		}
	}
	if !ix.IsBranch() {
		merged := maps.Clone(ix.Entries)
		maps.Copy(merged, entries)
		return buildIndex(t, merged, depth)
	}
	next := maps.Clone(ix.Entries)
	for key, group := range groupByShard(entries, depth) {
		child, err := insert(ctx, t, ix.Entries[key], depth+1, group)
		if err != nil {
			return cid.Undef, err
		}
		next[key] = child
	}
	return putIndex(t.put, next)
}

// groupByShard splits entries (keyed by service name or version) by
// their shard key at depth.
func groupByShard[V any](entries map[string]V, depth int) map[string]map[string]V {
	groups := map[string]map[string]V{}
	for n, c := range entries {
		k := manifest.ShardKey(n, depth)
		if groups[k] == nil {
			groups[k] = map[string]V{}
		}
		groups[k][n] = c
	}
	return groups
}

// treeIO is what index changes need: block reads that see pending writes,
// a sink for new blocks, and the leaf size limit.
type treeIO struct {
	load    indexLoader
	put     func(manifest.Block)
	leafMax int
}

// buildIndex stores entries (service names) as one leaf, or, past
// t.leafMax, as a branch of leaves split by ShardKey at depth.
func buildIndex(t treeIO, entries map[string]cid.Cid, depth int) (cid.Cid, error) {
	if manifest.IndexSize(entries) <= t.leafMax || depth >= maxBranchDepth {
		return putIndex(t.put, entries)
	}
	groups := groupByShard(entries, depth)
	branch := make(map[string]cid.Cid, len(groups))
	for k, g := range groups {
		var err error
		if branch[k], err = buildIndex(t, g, depth+1); err != nil {
			return cid.Undef, err
		}
	}
	return putIndex(t.put, branch)
}

func putIndex(put func(manifest.Block), entries map[string]cid.Cid) (cid.Cid, error) {
	b, err := manifest.EncodeIndex(manifest.Index{Entries: entries})
	if err != nil {
		return cid.Undef, err
	}
	put(b)
	return b.CID, nil
}

// walk calls fn for every service in the index under root, in no
// particular order. It checks the shape of the tree as it goes, so that a
// hostile index cannot make it run long: at most maxBranchDepth branch
// levels, every node visited once (a node linked twice is refused), and
// every service name filed under the shard keys of its path.
func walk(ctx context.Context, load indexLoader, root cid.Cid, fn func(name string, svc cid.Cid) error) error {
	w := walker{load: load, fn: fn, seen: map[cid.Cid]bool{}}
	return w.node(ctx, root, nil)
}

type walker struct {
	load indexLoader
	fn   func(name string, svc cid.Cid) error
	seen map[cid.Cid]bool
}

// node visits the index node c, reached through the shard keys path.
func (w *walker) node(ctx context.Context, c cid.Cid, path []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(path) > maxBranchDepth {
		return errTooDeep(c)
	}
	if w.seen[c] {
		return fmt.Errorf("%w: index node %s is linked more than once", manifest.ErrInvalidManifest, c)
	}
	w.seen[c] = true
	ix, err := w.load(ctx, c)
	if err != nil {
		return err
	}
	branch := ix.IsBranch()
	for _, k := range slices.Sorted(maps.Keys(ix.Entries)) {
		if branch {
			err = w.node(ctx, ix.Entries[k], append(slices.Clip(path), k))
		} else if err = checkFiled(k, path); err == nil {
			err = w.fn(k, ix.Entries[k])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkFiled checks that the service name (or version) sits under the
// shard keys it hashes to.
func checkFiled(name string, path []string) error {
	for depth, key := range path {
		if manifest.ShardKey(name, depth) != key {
			return fmt.Errorf("%w: %q is filed under shard %s at depth %d, it belongs under %s",
				manifest.ErrInvalidManifest, name, key, depth, manifest.ShardKey(name, depth))
		}
	}
	return nil
}
