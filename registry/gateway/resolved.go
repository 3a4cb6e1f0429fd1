package gateway

import (
	"context"
	"io"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/files"
	"github.com/ipfs/boxo/gateway"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
)

// maxResolved bounds the resolved paths remembered: between maxResolved
// and twice as many (a few hundred bytes each).
const maxResolved = 1 << 13

// resolvedBackend is boxo's blocks backend with a memory of the /ipfs/
// paths it resolved. boxo resolves /ipfs/CID/a/b through the UnixFS DAG
// on every request, and each of its prefixes once more for the
// X-Ipfs-Roots header: most of the cost of a small file's request. An
// /ipfs/ path names immutable content, so what it resolved to once it
// resolves to always; a path seen before is answered from its resolved
// CID (/ipfs/FILE) with the roots remembered. /ipns/ and /svc/ paths are
// resolved to an /ipfs/ path before they get here, as always; only that
// /ipfs/ path's resolution is remembered.
//
// The blocks of the answer are still read and verified on every request
// (only the directories on the way to them are not read again). Paths
// into non-UnixFS data (a remainder after the last CID) are not
// remembered, nor are failures. CAR responses, which carry the blocks of
// the path, always resolve it.
//
// A remembered path to a raw block (a file of one block, the usual small
// file) is answered with one read of that block, not the two boxo's
// backend makes (one to resolve /ipfs/FILE, one to read it); a whole
// file of many blocks, remembered or named by its CID, is read through
// a reused buffer (filereader.go).
type resolvedBackend struct {
	*gateway.BlocksBackend
	blocks blockservice.BlockGetter // what BlocksBackend reads
	into   blockInto                // the same blocks, into a buffer; nil: not offered
	paths  *pathMemo
}

func newResolvedBackend(b *gateway.BlocksBackend, blocks blockservice.BlockGetter, into blockInto) resolvedBackend {
	return resolvedBackend{BlocksBackend: b, blocks: blocks, into: into, paths: newPathMemo(maxResolved)}
}

var (
	_ gateway.IPFSBackend     = resolvedBackend{}
	_ gateway.WithContextHint = resolvedBackend{}
)

// hasPath reports whether p goes beyond its root CID: only such paths are
// worth remembering.
func hasPath(p path.ImmutablePath) bool { return len(p.Segments()) > 2 }

// lookup returns what p resolved to before.
func (b resolvedBackend) lookup(p path.ImmutablePath) (gateway.ContentPathMetadata, bool) {
	if !hasPath(p) {
		return gateway.ContentPathMetadata{}, false
	}
	return b.paths.get(p.String())
}

// remember records what p resolved to, from md of a successful answer.
func (b resolvedBackend) remember(p path.ImmutablePath, md gateway.ContentPathMetadata) {
	if !hasPath(p) || len(md.LastSegmentRemainder) > 0 || !md.LastSegment.RootCid().Defined() {
		return
	}
	b.paths.put(p.String(), gateway.ContentPathMetadata{PathSegmentRoots: md.PathSegmentRoots, LastSegment: md.LastSegment})
}

// withPath is got, the metadata of an answer for md's last segment, with
// md's path.
func withPath(md, got gateway.ContentPathMetadata) gateway.ContentPathMetadata {
	got.PathSegmentRoots = md.PathSegmentRoots
	got.LastSegment = md.LastSegment
	got.LastSegmentRemainder = nil
	return got
}

func (b resolvedBackend) ResolvePath(ctx context.Context, p path.ImmutablePath) (gateway.ContentPathMetadata, error) {
	if md, ok := b.lookup(p); ok {
		return md, nil
	}
	md, err := b.BlocksBackend.ResolvePath(ctx, p)
	if err == nil {
		b.remember(p, md)
	}
	return md, err
}

func (b resolvedBackend) Get(ctx context.Context, p path.ImmutablePath, ranges ...gateway.ByteRange) (gateway.ContentPathMetadata, *gateway.GetResponse, error) {
	if md, ok := b.lookup(p); ok {
		if resp, ok := b.getRaw(ctx, md.LastSegment.RootCid(), ranges); ok {
			return md, resp, nil
		}
		if got, resp, ok := b.getFile(ctx, md.LastSegment.RootCid(), ranges); ok {
			return withPath(md, got), resp, nil
		}
		got, resp, err := b.BlocksBackend.Get(ctx, md.LastSegment, ranges...)
		return withPath(md, got), resp, err
	}
	if !hasPath(p) {
		if got, resp, ok := b.getFile(ctx, p.RootCid(), ranges); ok {
			return withPath(gateway.ContentPathMetadata{PathSegmentRoots: []cid.Cid{}, LastSegment: p}, got), resp, nil
		}
	}
	md, resp, err := b.BlocksBackend.Get(ctx, p, ranges...)
	if err == nil {
		b.remember(p, md)
	}
	return md, resp, err
}

// getRaw answers a Get of the raw block c from one read of it, as
// boxo's backend answers it from two: ok is false where c is not raw,
// the range starts from the end, or the block cannot be read (boxo's
// backend then gives the answer, or the error, it always gives).
func (b resolvedBackend) getRaw(ctx context.Context, c cid.Cid, ranges []gateway.ByteRange) (*gateway.GetResponse, bool) {
	if c.Prefix().Codec != cid.Raw || len(ranges) > 0 && ranges[0].From < 0 {
		return nil, false
	}
	blk, err := b.blocks.GetBlock(ctx, c)
	if err != nil {
		return nil, false
	}
	f := files.NewBytesFile(blk.RawData())
	if len(ranges) > 0 && ranges[0].From > 0 {
		s, ok := f.(io.Seeker)
		if !ok {
			return nil, false
		}
		if _, err := s.Seek(int64(ranges[0].From), io.SeekStart); err != nil {
			return nil, false
		}
	}
	return gateway.NewGetResponseFromReader(f, int64(len(blk.RawData()))), true
}

func (b resolvedBackend) Head(ctx context.Context, p path.ImmutablePath) (gateway.ContentPathMetadata, *gateway.HeadResponse, error) {
	if md, ok := b.lookup(p); ok {
		got, resp, err := b.BlocksBackend.Head(ctx, md.LastSegment)
		return withPath(md, got), resp, err
	}
	md, resp, err := b.BlocksBackend.Head(ctx, p)
	if err == nil {
		b.remember(p, md)
	}
	return md, resp, err
}

func (b resolvedBackend) GetAll(ctx context.Context, p path.ImmutablePath) (gateway.ContentPathMetadata, files.Node, error) {
	if md, ok := b.lookup(p); ok {
		got, n, err := b.BlocksBackend.GetAll(ctx, md.LastSegment)
		return withPath(md, got), n, err
	}
	md, n, err := b.BlocksBackend.GetAll(ctx, p)
	if err == nil {
		b.remember(p, md)
	}
	return md, n, err
}

func (b resolvedBackend) GetBlock(ctx context.Context, p path.ImmutablePath) (gateway.ContentPathMetadata, files.File, error) {
	if md, ok := b.lookup(p); ok {
		got, f, err := b.BlocksBackend.GetBlock(ctx, md.LastSegment)
		return withPath(md, got), f, err
	}
	md, f, err := b.BlocksBackend.GetBlock(ctx, p)
	if err == nil {
		b.remember(p, md)
	}
	return md, f, err
}

// memo is a bounded map that keeps the entries used recently: entries
// live in two generations, and a full new one becomes the old one (the
// old one is dropped); an entry found in the old generation moves to the
// new one. Its values are shared, never changed.
type memo[K comparable, V any] struct {
	mu       sync.Mutex
	max      int
	cur, old map[K]V
}

// pathMemo maps /ipfs/ paths to what they resolved to.
type pathMemo = memo[string, gateway.ContentPathMetadata]

func newMemo[K comparable, V any](max int) *memo[K, V] {
	return &memo[K, V]{max: max, cur: map[K]V{}}
}

func newPathMemo(max int) *pathMemo { return newMemo[string, gateway.ContentPathMetadata](max) }

func (m *memo[K, V]) get(key K) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.cur[key]; ok {
		return v, true
	}
	v, ok := m.old[key]
	if ok {
		m.putLocked(key, v)
	}
	return v, ok
}

func (m *memo[K, V]) put(key K, v V) {
	m.mu.Lock()
	m.putLocked(key, v)
	m.mu.Unlock()
}

func (m *memo[K, V]) putLocked(key K, v V) {
	if len(m.cur) >= m.max {
		m.old, m.cur = m.cur, make(map[K]V, m.max)
	}
	m.cur[key] = v
}
