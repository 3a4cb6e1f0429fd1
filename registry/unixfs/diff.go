package unixfs

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	"github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	ipld "github.com/ipfs/go-ipld-format"

	"github.com/svcreg/svcreg/registry"
)

// NewMemoryBlockstore returns an empty blockstore in memory, for a
// throwaway import such as a reproducibility check.
func NewMemoryBlockstore() blockstore.Blockstore {
	return blockstore.NewBlockstore(dssync.MutexWrap(datastore.NewMapDatastore()))
}

// ChangeKind says how a path differs between two trees.
type ChangeKind string

// The kinds of Change.
const (
	Added    ChangeKind = "added"    // only in the new tree
	Removed  ChangeKind = "removed"  // only in the old tree
	Modified ChangeKind = "modified" // in both, with other CIDs
)

// Change is one path at which two UnixFS trees differ.
type Change struct {
	Path string // slash-separated, relative to the roots; "." is the root
	Kind ChangeKind
	Old  cid.Cid // undefined when Added
	New  cid.Cid // undefined when Removed
}

// Diff lists the paths at which the UnixFS directory trees old (its blocks
// in oldBS) and new (in newBS) differ, like diff -r but by hash: it
// descends only into directories whose CIDs differ, so equal subtrees cost
// nothing. A directory whose CIDs differ though its entries do not (other
// sharding, say) is listed itself. Changes come in path order. Every block
// read is checked against its CID; a missing one wraps
// registry.ErrBlockNotFound.
func Diff(ctx context.Context, oldBS blockstore.Blockstore, old cid.Cid, newBS blockstore.Blockstore, new cid.Cid) ([]Change, error) {
	vo, vn := &verifyingBlockstore{Blockstore: oldBS}, &verifyingBlockstore{Blockstore: newBS}
	d := &differ{ctx: ctx, old: dagService(vo), new: dagService(vn)}
	if err := d.walk(".", old, new); err != nil {
		return nil, fmt.Errorf("diff %s %s: %w", old, new, notFound(vn.explain(vo.explain(err))))
	}
	return d.out, nil
}

type differ struct {
	ctx      context.Context
	old, new ipld.DAGService
	out      []Change
}

// dagService reads blocks through vbs only (no exchange, so a missing
// block fails at once).
func dagService(vbs *verifyingBlockstore) ipld.DAGService {
	return merkledag.NewDAGService(blockservice.New(vbs, nil))
}

// walk compares the nodes a (old) and b (new) at path p.
func (d *differ) walk(p string, a, b cid.Cid) error {
	if a.Equals(b) {
		return nil
	}
	if err := d.ctx.Err(); err != nil {
		return err
	}
	ea, aDir, err := entries(d.ctx, d.old, a)
	if err != nil {
		return err
	}
	eb, bDir, err := entries(d.ctx, d.new, b)
	if err != nil {
		return err
	}
	if !aDir || !bDir {
		d.out = append(d.out, Change{Path: p, Kind: Modified, Old: a, New: b})
		return nil
	}
	before := len(d.out)
	names := slices.Sorted(maps.Keys(ea))
	for n := range eb {
		if _, ok := ea[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		ca, inA := ea[n]
		cb, inB := eb[n]
		child := path.Join(p, n)
		switch {
		case !inB:
			d.out = append(d.out, Change{Path: child, Kind: Removed, Old: ca})
		case !inA:
			d.out = append(d.out, Change{Path: child, Kind: Added, New: cb})
		default:
			if err := d.walk(child, ca, cb); err != nil {
				return err
			}
		}
	}
	if len(d.out) == before {
		d.out = append(d.out, Change{Path: p, Kind: Modified, Old: a, New: b})
	}
	return nil
}

// entries returns the entries (name → CID) of the node c when it is a
// UnixFS directory, plain or HAMT-sharded; isDir is false for files and
// symlinks.
func entries(ctx context.Context, dag ipld.DAGService, c cid.Cid) (map[string]cid.Cid, bool, error) {
	nd, err := dag.Get(ctx, c)
	if err != nil {
		return nil, false, err
	}
	dir, err := uio.NewDirectoryFromNode(dag, nd)
	if errors.Is(err, uio.ErrNotADir) {
		return nil, false, nil
	} else if err != nil {
		if _, ok := nd.(*merkledag.ProtoNode); ok {
			return nil, false, nil // dag-pb that is not UnixFS: a leaf here
		}
		return nil, false, err
	}
	out := map[string]cid.Cid{}
	err = dir.ForEachLink(ctx, func(l *ipld.Link) error {
		out[l.Name] = l.Cid
		return nil
	})
	return out, true, err
}

// notFound adds registry.ErrBlockNotFound to boxo's not-found errors.
func notFound(err error) error {
	if errors.Is(err, ipld.ErrNotFound{}) && !errors.Is(err, registry.ErrBlockNotFound) {
		return fmt.Errorf("%w: %w", registry.ErrBlockNotFound, err)
	}
	return err
}
