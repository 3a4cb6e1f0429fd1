package car

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// maxRootBlocks is the most blocks ReadRoot reads from a Root file.
const maxRootBlocks = 8

// RootFile is a Root version being signed, as `svcreg root rotate` and
// `root init` write it: a CARv1 whose one root is the SignedRoot block,
// followed by the signed Root it links as its prev, when there is one, so
// that a signer offline can see what changes.
type RootFile struct {
	Root   cid.Cid           // the SignedRoot block
	Signed *trust.SignedRoot // decoded, signatures unverified
	Prev   *trust.SignedRoot // the version before, nil when the file has none
	// Moved is the Moved block of a move file (`svcreg move -o`), nil in
	// other Root files: the Root is the move's new Root, and the Moved
	// block, signed or not, links it or an earlier form of it.
	Moved *trust.Moved
}

// WriteRoot writes the Root file of sr, and prev (the signed Root sr's
// prev links) unless nil, to w, and for a move file the Moved block mv
// unless nil. It returns the CID of sr's block.
func WriteRoot(ctx context.Context, w io.Writer, sr, prev *trust.SignedRoot, mv *trust.Moved) (cid.Cid, error) {
	b, err := trust.EncodeSignedRoot(sr)
	if err != nil {
		return cid.Undef, err
	}
	blocks := []manifest.Block{b}
	if mv != nil {
		mb, err := trust.EncodeMoved(mv)
		if err != nil {
			return cid.Undef, err
		}
		blocks = append(blocks, mb)
	}
	if prev != nil {
		pb, err := trust.EncodeSignedRoot(prev)
		if err != nil {
			return cid.Undef, err
		}
		if !pb.CID.Equals(sr.Root.Prev) {
			return cid.Undef, fmt.Errorf("write root file: the prev given is %s, the root links %s", pb.CID, sr.Root.Prev)
		}
		blocks = append(blocks, pb)
	}
	cw, err := NewWriter(w, []cid.Cid{b.CID}, nil)
	if err != nil {
		return cid.Undef, err
	}
	for _, blk := range blocks {
		if err := cw.Put(ctx, blk.CID, blk.Data); err != nil {
			return cid.Undef, err
		}
	}
	return b.CID, cw.Close()
}

// ReadRoot reads a Root file: one root, a signed Root block, and the
// signed Root it links as prev when the file holds it (other blocks are
// ignored). Blocks over trust.MaxSize, blocks that do not hash to their
// CID and more than a few blocks are refused; a root that is no signed
// Root wraps trust's error, a malformed file ErrInvalidCAR.
func ReadRoot(r io.Reader) (*RootFile, error) {
	br, err := carv2.NewBlockReader(r, carv2.WithTrustedCAR(true),
		carv2.MaxAllowedHeaderSize(maxHeaderSize), carv2.MaxAllowedSectionSize(trust.MaxSize+128))
	if err != nil {
		return nil, fmt.Errorf("read root file: %w: %w", ErrInvalidCAR, err)
	}
	if len(br.Roots) != 1 {
		return nil, fmt.Errorf("read root file: %w: %d roots, want the one signed root", ErrInvalidCAR, len(br.Roots))
	}
	blocks := map[cid.Cid][]byte{}
	for n := 0; ; n++ {
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("read root file: %w: %w", ErrInvalidCAR, err)
		}
		if n == maxRootBlocks {
			return nil, fmt.Errorf("read root file: %w: more than %d blocks", ErrInvalidCAR, maxRootBlocks)
		}
		if err := manifest.CheckBlock(blk.Cid(), blk.RawData()); err != nil {
			return nil, fmt.Errorf("read root file: %w", err)
		}
		blocks[blk.Cid()] = blk.RawData()
	}
	rf := &RootFile{Root: br.Roots[0]}
	data, ok := blocks[rf.Root]
	if !ok {
		return nil, fmt.Errorf("read root file: %w: no block for its root %s", ErrInvalidCAR, rf.Root)
	}
	if rf.Signed, err = trust.DecodeSignedRoot(data); err != nil {
		return nil, fmt.Errorf("read root file %s: %w", rf.Root, err)
	}
	if p := rf.Signed.Root.Prev; p.Defined() && blocks[p] != nil {
		if rf.Prev, err = trust.DecodeSignedRoot(blocks[p]); err != nil {
			return nil, fmt.Errorf("read root file: prev %s: %w", p, err)
		}
	}
	for _, data := range blocks {
		if mv, err := trust.DecodeMoved(data); err == nil {
			if rf.Moved != nil {
				return nil, fmt.Errorf("read root file: %w: two moved blocks", ErrInvalidCAR)
			}
			rf.Moved = mv
		}
	}
	return rf, nil
}
