package car

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// MaxChangeMeta is the most bytes of DAG-CBOR blocks (manifests, index
// nodes, the Root) a change file may hold: ReadChange keeps them in
// memory, and refuses a file with more before reading further. The
// releases' blocks are not counted: they are read as a stream.
const MaxChangeMeta = 64 << 20

// ReadChange reads a change file (docs/FORMAT.md, "Change files"): a
// CARv1 whose one root is the new manifest. Every block is checked
// against its CID (errors wrap manifest.ErrCIDMismatch); the DAG-CBOR
// blocks are kept, at most MaxChangeMeta bytes of them, the others only
// checked and counted in Contents. A file without its manifest, or with
// another number of roots, is ErrInvalidCAR.
func ReadChange(ctx context.Context, r io.Reader) (*registry.Change, Contents, error) {
	br, err := carv2.NewBlockReader(r, carv2.WithTrustedCAR(true),
		carv2.MaxAllowedHeaderSize(maxHeaderSize), carv2.MaxAllowedSectionSize(MaxBlockSize+128))
	if err != nil {
		return nil, Contents{}, fmt.Errorf("read change header: %w: %w", ErrInvalidCAR, err)
	}
	out := Contents{Roots: br.Roots}
	if len(br.Roots) != 1 || br.Roots[0].Prefix().Codec != cid.DagCBOR {
		return nil, out, fmt.Errorf("%w: a change file names its manifest as its one root, this one %d roots", ErrInvalidCAR, len(br.Roots))
	}
	meta, size := map[cid.Cid][]byte{}, 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, out, err
		}
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, out, fmt.Errorf("read change after %d blocks: %w: %w", out.Blocks, ErrInvalidCAR, err)
		}
		c, data := blk.Cid(), blk.RawData()
		if err := manifest.CheckBlock(c, data); err != nil {
			return nil, out, fmt.Errorf("read change: %w", err)
		}
		out.Blocks++
		out.Bytes += int64(len(data))
		if c.Prefix().Codec != cid.DagCBOR {
			continue
		}
		if size += len(data); size > MaxChangeMeta {
			return nil, out, fmt.Errorf("%w: more than %d bytes of DAG-CBOR blocks in a change file", ErrInvalidCAR, MaxChangeMeta)
		}
		meta[cid.NewCidV1(cid.DagCBOR, c.Hash())] = data
	}
	root := cid.NewCidV1(cid.DagCBOR, br.Roots[0].Hash())
	data, ok := meta[root]
	if !ok {
		return nil, out, fmt.Errorf("%w: the change's manifest %s is not in the file", ErrInvalidCAR, root)
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		return nil, out, fmt.Errorf("change manifest %s: %w", root, err)
	}
	delete(meta, root)
	return &registry.Change{Manifest: m, Block: manifest.Block{CID: root, Data: data}, Blocks: meta}, out, nil
}

// WriteChange writes ch as a change file to w: the header naming the
// manifest, the manifest, the other DAG-CBOR blocks in CID order, then
// what content writes (the blocks of the releases ch adds; nil: none).
func WriteChange(ctx context.Context, w io.Writer, ch *registry.Change, src registry.Blocks, content func(*Writer) error) error {
	cw, err := NewWriter(w, []cid.Cid{ch.Block.CID}, src)
	if err != nil {
		return err
	}
	if err := cw.Put(ctx, ch.Block.CID, ch.Block.Data); err != nil {
		return err
	}
	keys := slices.SortedFunc(maps.Keys(ch.Blocks), func(a, b cid.Cid) int { return strings.Compare(a.KeyString(), b.KeyString()) })
	for _, k := range keys {
		if err := cw.Put(ctx, k, ch.Blocks[k]); err != nil {
			return err
		}
	}
	if content != nil {
		if err := content(cw); err != nil {
			return err
		}
	}
	return cw.Close()
}

// CopyContent writes to w the blocks of the change file r that are not
// DAG-CBOR (the releases' blocks), each checked against its CID again:
// how a signed change keeps its content when it is written anew.
func CopyContent(ctx context.Context, r io.Reader, w *Writer) error {
	br, err := carv2.NewBlockReader(r, carv2.WithTrustedCAR(true),
		carv2.MaxAllowedHeaderSize(maxHeaderSize), carv2.MaxAllowedSectionSize(MaxBlockSize+128))
	if err != nil {
		return fmt.Errorf("read change header: %w: %w", ErrInvalidCAR, err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read change: %w: %w", ErrInvalidCAR, err)
		}
		c, data := blk.Cid(), blk.RawData()
		if c.Prefix().Codec == cid.DagCBOR {
			continue
		}
		if err := manifest.CheckBlock(c, data); err != nil {
			return fmt.Errorf("read change: %w", err)
		}
		if err := w.Put(ctx, c, data); err != nil {
			return err
		}
	}
}
