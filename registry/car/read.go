package car

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// Contents describes a CAR that Read stored.
type Contents struct {
	Roots  []cid.Cid // the roots its header names
	Blocks int       // blocks stored
	Bytes  int64     // block bytes stored
}

// Read reads a CARv1 or CARv2 stream from r, checks that each block hashes
// to its CID and stores it in dst. It stops at the first bad block (an
// error wrapping manifest.ErrCIDMismatch) or malformed section
// (ErrInvalidCAR); blocks stored until then stay, as they are verified.
// progress, when not nil, is called after each block with the totals.
func Read(ctx context.Context, r io.Reader, dst registry.Blocks, progress func(blocks int, bytes int64)) (Contents, error) {
	br, err := carv2.NewBlockReader(r, carv2.WithTrustedCAR(true),
		carv2.MaxAllowedHeaderSize(maxHeaderSize), carv2.MaxAllowedSectionSize(MaxBlockSize+128))
	if err != nil {
		return Contents{}, fmt.Errorf("read CAR header: %w: %w", ErrInvalidCAR, err)
	}
	out := Contents{Roots: br.Roots}
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		blk, err := br.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, fmt.Errorf("read CAR after %d blocks: %w: %w", out.Blocks, ErrInvalidCAR, err)
		}
		c, data := blk.Cid(), blk.RawData()
		if err := manifest.CheckBlock(c, data); err != nil {
			return out, fmt.Errorf("read CAR: %w", err)
		}
		if err := dst.Put(ctx, c, data); err != nil {
			return out, err
		}
		out.Blocks++
		out.Bytes += int64(len(data))
		if progress != nil {
			progress(out.Blocks, out.Bytes)
		}
	}
}

// recordPrefix is how an IPNS record is addressed inside a CAR.
var recordPrefix = cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}

// maxHeaderSize bounds the CAR header (its list of roots).
const maxHeaderSize = 64 << 10

// MaxRecordSize is the largest IPNS record (the IPNS limit).
const MaxRecordSize = 10 << 10

// RecordCID returns the CID of the raw block that carries the IPNS
// record rec in a CAR.
func RecordCID(rec []byte) (cid.Cid, error) {
	return recordPrefix.Sum(rec)
}

// MaybeRecord reports whether the root c could be a record block: raw
// codec, sha2-256, CIDv1. Whether it is one only verification can tell.
func MaybeRecord(c cid.Cid) bool {
	p := c.Prefix()
	return p.Version == 1 && p.Codec == cid.Raw && p.MhType == multihash.SHA2_256
}
