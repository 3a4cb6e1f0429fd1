package registry

import (
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// CheckFetched checks a block from an untrusted source, already known to
// hash to c, before it may be stored: a DAG-CBOR block must decode, in
// canonical form, as one of the registry's own blocks (a manifest, an
// index node, a service, a version index node or a signed trust Root). Release content (dag-pb, raw) is checked by
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
	if _, err := trust.DecodeSignedRoot(data); err == nil {
		return nil
	}
	return fmt.Errorf("block %s: %w: not a manifest, index, service, version index or root block", c, manifest.ErrInvalidManifest)
}
