package car

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	carstorage "github.com/ipld/go-car/v2/storage"
	_ "github.com/ipld/go-codec-dagpb"              // UnixFS nodes
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor" // manifests
	_ "github.com/ipld/go-ipld-prime/codec/raw"     // raw leaves, records
	"github.com/ipld/go-ipld-prime/datamodel"
	"github.com/ipld/go-ipld-prime/linking"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	"github.com/ipld/go-ipld-prime/traversal"
	"github.com/ipld/go-ipld-prime/traversal/selector"
	"github.com/ipld/go-ipld-prime/traversal/selector/builder"

	"github.com/svcreg/svcreg/registry"
)

// Writer writes a CARv1 stream. It is not safe for concurrent use.
type Writer struct {
	car      carstorage.WritableCar
	src      registry.Blocks
	written  map[cid.Cid]bool // every block written
	complete map[cid.Cid]bool // blocks written with everything under them
	blocks   int
	bytes    int64
	// Progress, when set, is called after each block with the totals so far.
	Progress func(blocks int, bytes int64)
}

// NewWriter writes a CARv1 header naming roots to w and returns a Writer
// that reads the blocks it writes from src.
func NewWriter(w io.Writer, roots []cid.Cid, src registry.Blocks) (*Writer, error) {
	// Hide io.WriterAt: go-car would write at offsets instead of streaming.
	car, err := carstorage.NewWritable(struct{ io.Writer }{w}, roots,
		carv2.WriteAsCarV1(true), carv2.AllowDuplicatePuts(true), carv2.StoreIdentityCIDs(true))
	if err != nil {
		return nil, fmt.Errorf("write CAR header: %w", err)
	}
	return &Writer{car: car, src: src, written: map[cid.Cid]bool{}, complete: map[cid.Cid]bool{}}, nil
}

// Stats returns the number of blocks and block bytes written so far.
func (w *Writer) Stats() (blocks int, bytes int64) { return w.blocks, w.bytes }

// Put writes the block c unless it was written before. The caller
// guarantees that data hashes to c.
func (w *Writer) Put(ctx context.Context, c cid.Cid, data []byte) error {
	if w.written[c] {
		return nil
	}
	if err := w.car.Put(ctx, c.KeyString(), data); err != nil {
		return fmt.Errorf("write block %s: %w", c, err)
	}
	w.written[c] = true
	w.blocks++
	w.bytes += int64(len(data))
	if w.Progress != nil {
		w.Progress(w.blocks, w.bytes)
	}
	return nil
}

// Block reads the block c from the source and writes it.
func (w *Writer) Block(ctx context.Context, c cid.Cid) error {
	if w.written[c] {
		return nil
	}
	data, err := w.src.Get(ctx, c)
	if err != nil {
		return err
	}
	return w.Put(ctx, c, data)
}

// DAG writes every block reachable from root that was not written
// before, depth-first in the order of `ipfs dag export`. Links for which
// skip (if not nil) returns true are neither read nor followed: the
// receiver is known to have them.
func (w *Writer) DAG(ctx context.Context, root cid.Cid, skip func(cid.Cid) bool) error {
	visited := map[cid.Cid]bool{}
	lsys := cidlink.DefaultLinkSystem()
	lsys.TrustedStorage = true // the source verifies
	lsys.StorageReadOpener = func(lc linking.LinkContext, l datamodel.Link) (io.Reader, error) {
		c := l.(cidlink.Link).Cid
		if (skip != nil && skip(c)) || w.complete[c] {
			return nil, traversal.SkipMe{}
		}
		data, err := w.src.Get(lc.Ctx, c)
		if err != nil {
			return nil, err
		}
		if err := w.Put(lc.Ctx, c, data); err != nil {
			return nil, err
		}
		visited[c] = true
		return bytes.NewReader(data), nil
	}
	if err := walk(ctx, &lsys, root); err != nil {
		return fmt.Errorf("export DAG %s: %w", root, err)
	}
	for c := range visited {
		w.complete[c] = true
	}
	return nil
}

// walk is go-car's traverse with ExploreAllRecursively: load the root,
// then visit every link once, depth-first.
func walk(ctx context.Context, lsys *linking.LinkSystem, root cid.Cid) error {
	// ExploreAllRecursively, built here: the selectorparse package would
	// parse JSON selectors at start-up in every svcreg command.
	ssb := builder.NewSelectorSpecBuilder(basicnode.Prototype.Any)
	sel, err := ssb.ExploreRecursive(selector.RecursionLimitNone(), ssb.ExploreAll(ssb.ExploreRecursiveEdge())).Selector()
	if err != nil {
		return err
	}
	lctx := linking.LinkContext{Ctx: ctx}
	n, err := lsys.Load(lctx, cidlink.Link{Cid: root}, basicnode.Prototype.Any)
	if _, ok := err.(traversal.SkipMe); ok {
		return nil
	} else if err != nil {
		return err
	}
	prog := traversal.Progress{Cfg: &traversal.Config{
		Ctx:        ctx,
		LinkSystem: *lsys,
		LinkTargetNodePrototypeChooser: func(datamodel.Link, linking.LinkContext) (datamodel.NodePrototype, error) {
			return basicnode.Prototype.Any, nil
		},
		LinkVisitOnlyOnce: true,
	}}
	return prog.WalkMatching(n, sel, func(traversal.Progress, datamodel.Node) error { return nil })
}

// Close finishes the CAR. It does not close the underlying writer.
func (w *Writer) Close() error {
	if err := w.car.Finalize(); err != nil {
		return fmt.Errorf("finish CAR: %w", err)
	}
	return nil
}
