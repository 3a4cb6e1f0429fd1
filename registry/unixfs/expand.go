package unixfs

import (
	"context"
	"fmt"
	"math"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
)

// Expansion is what a UnixFS tree becomes when it is written out.
type Expansion struct {
	Size  uint64 // bytes of file content, as the file nodes declare them
	Files uint64 // entries below the root: files, directories, symlinks
	Depth int    // directory levels above the deepest entry: 1 when all are in the root
}

// maxShardNesting bounds how deep the shards of one HAMT directory may
// nest: murmur3's 64 bits, one bit per level at the smallest fanout.
const maxShardNesting = 64

// expander computes Expansions, each directory's once: a subtree linked
// from many entries costs one visit, so the walk is linear in the distinct
// directory blocks (and the links they hold), whatever the tree expands
// to. A file costs one read of its root block per link to it (a raw
// leaf: its size only). Sums saturate at the largest uint64.
type expander struct {
	ctx      context.Context
	bs       blockstore.Blockstore // verifies what it returns but sizes
	dag      ipld.NodeGetter       // over bs
	maxDepth int
	memo     map[cid.Cid]Expansion // of directories and HAMT shards
}

// expand returns the Expansion of the tree at root, read from bs,
// refusing (ErrTooLarge) once an entry is found more than maxDepth
// directories deep.
func expand(ctx context.Context, bs *verifyingBlockstore, root cid.Cid, maxDepth int) (Expansion, error) {
	e := &expander{ctx: ctx, bs: bs, dag: dagService(bs), maxDepth: maxDepth, memo: map[cid.Cid]Expansion{}}
	return e.node(root, 0, 0)
}

// node returns the Expansion of the node c, which sits depth directories
// below the root; shards counts the HAMT shards above it within its own
// directory. A raw leaf is a file of its block's size: the writer reads
// and verifies it in full.
func (e *expander) node(c cid.Cid, depth, shards int) (Expansion, error) {
	if x, ok := e.memo[c]; ok {
		return x, nil
	}
	if err := e.ctx.Err(); err != nil {
		return Expansion{}, err
	}
	if c.Prefix().Codec == cid.Raw {
		n, err := e.bs.GetSize(e.ctx, c)
		if err != nil {
			if _, gerr := e.bs.Get(e.ctx, c); gerr != nil {
				err = gerr // says why: a block found corrupt before, say
			}
			return Expansion{}, fmt.Errorf("block %s: %w", c, err)
		}
		return Expansion{Size: uint64(max(n, 0))}, nil
	}
	nd, err := e.dag.Get(e.ctx, c)
	if err != nil {
		return Expansion{}, fmt.Errorf("block %s: %w", c, err)
	}
	pb, ok := nd.(*merkledag.ProtoNode)
	if !ok {
		return Expansion{}, fmt.Errorf("block %s: not a UnixFS node (codec %#x)", c, c.Prefix().Codec)
	}
	x, dir, err := e.protoNode(pb, depth, shards)
	if err != nil {
		return Expansion{}, err
	}
	if dir {
		e.memo[c] = x
	}
	return x, nil
}

// protoNode returns the Expansion of a dag-pb UnixFS node, and whether
// it is a directory or a shard of one.
func (e *expander) protoNode(nd *merkledag.ProtoNode, depth, shards int) (Expansion, bool, error) {
	fsn, err := ft.FSNodeFromBytes(nd.Data())
	if err != nil {
		return Expansion{}, false, fmt.Errorf("block %s: %w", nd.Cid(), err)
	}
	switch fsn.Type() {
	case ft.TFile, ft.TRaw:
		return Expansion{Size: fsn.FileSize()}, false, nil
	case ft.TSymlink:
		return Expansion{}, false, nil
	case ft.TDirectory:
		x, err := e.entries(nd.Links(), 0, depth, 0)
		return x, true, err
	case ft.THAMTShard:
		if shards >= maxShardNesting || fsn.Fanout() == 0 {
			return Expansion{}, false, fmt.Errorf("block %s: malformed HAMT shard", nd.Cid())
		}
		x, err := e.entries(nd.Links(), len(fmt.Sprintf("%X", fsn.Fanout()-1)), depth, shards)
		return x, true, err
	default:
		return Expansion{}, false, fmt.Errorf("block %s: unsupported UnixFS node type %s", nd.Cid(), fsn.Type())
	}
}

// entries adds up the Expansions of a directory's links. In a HAMT shard
// (prefix > 0, the length of the hexadecimal slot names) a link named by
// the prefix alone is a further shard of the same directory, and the
// others are entries.
func (e *expander) entries(links []*ipld.Link, prefix, depth, shards int) (Expansion, error) {
	var x Expansion
	for _, l := range links {
		if prefix > 0 && len(l.Name) == prefix {
			sub, err := e.node(l.Cid, depth, shards+1)
			if err != nil {
				return Expansion{}, err
			}
			x = Expansion{Size: addSat(x.Size, sub.Size), Files: addSat(x.Files, sub.Files), Depth: max(x.Depth, sub.Depth)}
			continue
		}
		if depth+1 > e.maxDepth {
			return Expansion{}, fmt.Errorf("%w: an entry is more than %d directories deep", ErrTooLarge, e.maxDepth)
		}
		sub, err := e.node(l.Cid, depth+1, 0)
		if err != nil {
			return Expansion{}, err
		}
		if depth+1+sub.Depth > e.maxDepth {
			return Expansion{}, fmt.Errorf("%w: an entry is more than %d directories deep", ErrTooLarge, e.maxDepth)
		}
		x = Expansion{Size: addSat(x.Size, sub.Size), Files: addSat(x.Files, addSat(sub.Files, 1)), Depth: max(x.Depth, 1+sub.Depth)}
	}
	return x, nil
}

// addSat returns a+b, or the largest uint64 when that overflows.
func addSat(a, b uint64) uint64 {
	if a > math.MaxUint64-b {
		return math.MaxUint64
	}
	return a + b
}
