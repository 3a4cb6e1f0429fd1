package registry

import (
	"context"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// indexTree is the service index as a shardTree: names to Service blocks.
// New nodes go to put (nil for reads).
func indexTree(load indexLoader, put func(manifest.Block), leafMax int) shardTree[cid.Cid] {
	return shardTree[cid.Cid]{
		load: func(ctx context.Context, c cid.Cid) (shardNode[cid.Cid], error) {
			ix, err := load(ctx, c)
			if err != nil || !ix.IsBranch() {
				return shardNode[cid.Cid]{leaf: ix.Entries}, err
			}
			return shardNode[cid.Cid]{children: ix.Entries}, nil
		},
		store: func(n shardNode[cid.Cid]) (cid.Cid, error) {
			entries := n.leaf
			if n.isBranch() {
				entries = n.children
			}
			b, err := manifest.EncodeIndex(manifest.Index{Entries: entries})
			if err != nil {
				return cid.Undef, err
			}
			put(b)
			return b.CID, nil
		},
		size:    manifest.IndexSize,
		leafMax: leafMax,
	}
}

// lookup finds the Service block of name under the index root. It returns
// an undefined CID when the service does not exist, and the path of index
// keys from the root to the service (its shard keys, then its name).
func lookup(ctx context.Context, load indexLoader, root cid.Cid, name string) (cid.Cid, []string, error) {
	svc, found, _, keys, err := indexTree(load, nil, 0).lookup(ctx, root, name)
	if err != nil || !found {
		return cid.Undef, nil, err
	}
	return svc, append(keys, name), nil
}

// findService loads the Service block of name under the index root,
// reading index nodes with load and the service with get; with no such
// service it wraps ErrServiceNotFound, naming the registry as where. It
// returns the block's CID and index keys too (lookup).
func findService(ctx context.Context, get getFunc, load indexLoader, root cid.Cid, name manifest.Name, where string) (*manifest.Service, cid.Cid, []string, error) {
	c, keys, err := lookup(ctx, load, root, string(name))
	if err != nil {
		return nil, cid.Undef, nil, err
	}
	if !c.Defined() {
		return nil, cid.Undef, nil, fmt.Errorf("%w: %s in %s", ErrServiceNotFound, name, where)
	}
	s, err := loadService(ctx, get, c, string(name))
	return s, c, keys, err
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

// walk calls fn for every service in the index under root, in name
// order, checking the shape of the tree as it goes (shardTree.walk): a
// misfiled service ends the walk with an error.
func walk(ctx context.Context, load indexLoader, root cid.Cid, fn func(name string, svc cid.Cid) error) error {
	return indexTree(load, nil, 0).walk(ctx, root, map[cid.Cid]bool{}, false, nil, func(name string, svc cid.Cid, misfiled error) error {
		if misfiled != nil {
			return misfiled
		}
		return fn(name, svc)
	})
}
