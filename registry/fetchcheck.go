package registry

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// CheckFetched checks a block from an untrusted source, already known to
// hash to c, before it may be stored: a DAG-CBOR block must decode, in
// canonical form, as one of the registry's own blocks (a manifest, an
// index node, a service, a version index node, a signed trust Root or a Moved block). Release content (dag-pb, raw) is checked by
// its hash alone. A hash-valid block that is not a registry block wraps
// manifest.ErrInvalidManifest and is never stored, so a source cannot
// fill a home with junk that no head reaches.
func CheckFetched(c cid.Cid, data []byte) error {
	if c.Prefix().Codec != cid.DagCBOR {
		return nil
	}
	_, errM := manifest.DecodeManifest(data)
	if errM == nil {
		return nil
	}
	if _, err := manifest.DecodeIndex(data); err == nil {
		return nil
	}
	if _, err := manifest.DecodeService(data); err == nil {
		return nil
	}
	if _, err := manifest.DecodeVersionNode(data); err == nil {
		return nil
	}
	_, errR := trust.DecodeSignedRoot(data)
	if errR == nil {
		return nil
	}
	_, errMv := trust.DecodeMoved(data)
	if errMv == nil {
		return nil
	}
	if ce := capErrors(errM, errR, errMv); ce != nil {
		return fmt.Errorf("block %s: %w: %w", c, manifest.ErrInvalidManifest, ce)
	}
	return fmt.Errorf("block %s: %w: not a manifest, index, service, version index, root or moved block", c, manifest.ErrInvalidManifest)
}

// capErrors returns the errors among errs that say a size or count cap
// was passed (a manifest with too many signatures, a Root block over
// trust.MaxSize), joined, or nil: a hostile block refused by a cap,
// before any signature is verified, says so.
func capErrors(errs ...error) error {
	var out []error
	for _, err := range errs {
		if errors.Is(err, manifest.ErrTooManySignatures) || errors.Is(err, manifest.ErrBlockTooLarge) || errors.Is(err, trust.ErrTooLarge) {
			out = append(out, err)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return fmt.Errorf("%w; %w", out[0], out[1])
}
