package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/gateway"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

// blockInto is what a Store may offer to read a block, verified as its
// Blockstore's Get verifies it, into a buffer its caller reuses
// (registry/flatfs.Store.GetInto). The bytes are the caller's until it
// reuses buf.
type blockInto interface {
	GetInto(ctx context.Context, c cid.Cid, buf []byte) ([]byte, error)
}

// leafBufSize is the buffer a file reader starts with: room for the
// largest block of the usual chunkers (1 MiB) and the byte more that
// GetInto wants. Buffers of at most maxPooledBuf go back to leafBufs.
const (
	leafBufSize  = 1<<20 + 1
	maxPooledBuf = 4<<20 + 1
)

var leafBufs = sync.Pool{New: func() any { b := make([]byte, leafBufSize); return &b }}

// getFile answers a Get of the whole UnixFS file c with a reader that
// reads its leaves into one buffer, reused from leaf to leaf and from
// response to response, where boxo's reader has each block read into a
// new (zeroed) slice: a large file costs no allocation per block, and
// far fewer garbage collections. Every block is read through the store's
// verified reads, as boxo's reader's are. ok is false (boxo's backend
// answers) for anything else: a range, a store without GetInto, a root
// that is not a dag-pb UnixFS file, a root that cannot be read.
func (b resolvedBackend) getFile(ctx context.Context, c cid.Cid, ranges []gateway.ByteRange) (gateway.ContentPathMetadata, *gateway.GetResponse, bool) {
	if b.into == nil || len(ranges) > 0 || c.Prefix().Codec != cid.DagProtobuf {
		return gateway.ContentPathMetadata{}, nil, false
	}
	blk, err := b.blocks.GetBlock(ctx, c)
	if err != nil {
		return gateway.ContentPathMetadata{}, nil, false
	}
	nd, err := merkledag.DecodeProtobuf(blk.RawData())
	if err != nil {
		return gateway.ContentPathMetadata{}, nil, false
	}
	fsn, err := unixfs.FSNodeFromBytes(nd.Data())
	if err != nil || fsn.Type() != unixfs.TFile && fsn.Type() != unixfs.TRaw {
		return gateway.ContentPathMetadata{}, nil, false
	}
	r := &fileReader{ctx: ctx, into: b.into, blocks: b.blocks, left: int64(fsn.FileSize())}
	if r.left < 0 {
		return gateway.ContentPathMetadata{}, nil, false
	}
	r.visit(nd, fsn)
	return gateway.ContentPathMetadata{ModTime: fsn.ModTime()}, gateway.NewGetResponseFromReader(r, int64(fsn.FileSize())), true
}

// fileReader reads a UnixFS file's bytes: the data of its leaves in
// order, as boxo's DAG reader does (inner nodes' own data is not part of
// the file there either). Raw leaves are read into buf (a leafBufs
// buffer, returned on Close); dag-pb nodes through blocks.
type fileReader struct {
	ctx    context.Context
	into   blockInto
	blocks blockservice.BlockGetter
	todo   [][]cid.Cid // per level of the DAG walked, the links not followed yet
	cur    []byte      // unread bytes of the current leaf
	buf    *[]byte
	left   int64 // bytes the file has after cur, by its root's size
	err    error
}

var errClosed = errors.New("file reader closed")

func (r *fileReader) Read(p []byte) (int, error) {
	for len(r.cur) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		r.err = r.next()
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

// next makes the next leaf's bytes cur: io.EOF after the last one.
func (r *fileReader) next() error {
	for len(r.todo) > 0 {
		level := r.todo[len(r.todo)-1]
		if len(level) == 0 {
			r.todo = r.todo[:len(r.todo)-1]
			continue
		}
		c := level[0]
		r.todo[len(r.todo)-1] = level[1:]
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if c.Prefix().Codec == cid.Raw && c.Prefix().MhType != mh.IDENTITY {
			if r.buf == nil {
				r.buf = leafBufs.Get().(*[]byte)
			}
			data, err := r.into.GetInto(r.ctx, c, *r.buf)
			if err != nil {
				return err
			}
			if cap(data) > 0 && &data[:1][0] != &(*r.buf)[:1][0] { // too large for buf: a larger one for the next
				b := make([]byte, len(data)+1)
				r.buf = &b
			}
			r.leaf(data)
			return nil
		}
		blk, err := r.blocks.GetBlock(r.ctx, c)
		if err != nil {
			return err
		}
		if c.Prefix().Codec == cid.Raw {
			r.leaf(blk.RawData())
			return nil
		}
		nd, err := merkledag.DecodeProtobuf(blk.RawData())
		if err != nil {
			return fmt.Errorf("file block %s: %w", c, err)
		}
		fsn, err := unixfs.FSNodeFromBytes(nd.Data())
		if err != nil {
			return fmt.Errorf("file block %s: %w", c, err)
		}
		if fsn.Type() != unixfs.TFile && fsn.Type() != unixfs.TRaw {
			return fmt.Errorf("file block %s: %s node in a file", c, fsn.Type())
		}
		if r.visit(nd, fsn) {
			return nil
		}
	}
	if r.left > 0 {
		return io.ErrUnexpectedEOF
	}
	return io.EOF
}

// visit follows nd: a leaf's data becomes cur (true), an inner node's
// links are walked next.
func (r *fileReader) visit(nd *merkledag.ProtoNode, fsn *unixfs.FSNode) bool {
	if len(nd.Links()) == 0 {
		r.leaf(fsn.Data())
		return len(r.cur) > 0
	}
	links := make([]cid.Cid, len(nd.Links()))
	for i, l := range nd.Links() {
		links[i] = l.Cid
	}
	r.todo = append(r.todo, links)
	return false
}

// leaf makes data cur, cut to the bytes the file has left.
func (r *fileReader) leaf(data []byte) {
	if int64(len(data)) > r.left {
		data = data[:r.left]
	}
	r.cur = data
	r.left -= int64(len(data))
}

// Close returns the buffer; the reader reads nothing after it.
func (r *fileReader) Close() error {
	if r.buf != nil && cap(*r.buf) <= maxPooledBuf {
		leafBufs.Put(r.buf)
	}
	r.buf, r.cur, r.err = nil, nil, errClosed
	return nil
}
