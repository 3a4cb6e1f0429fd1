package unixfs

import (
	"fmt"

	chunk "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
)

// Profile names, as kubo's `ipfs config profile apply` spells them (IPIP-499).
const (
	// ProfileV1 is the default: CIDv1, raw leaves, 1 MiB chunks, 1024 links
	// per file node, HAMT when the exact dag-pb block size estimate of a
	// directory exceeds 256 KiB, fanout 256.
	ProfileV1 = "unixfs-v1-2025"
	// ProfileV0 is kubo's historical default: CIDv0, dag-pb leaves, 256 KiB
	// chunks, 174 links per file node, HAMT when the links estimate
	// (sum of name and CID lengths) exceeds 256 KiB, fanout 256.
	ProfileV0 = "unixfs-v0-2015"
)

// ParseProfile returns the canonical profile name for s. The empty string
// selects ProfileV1. Any other name is an error wrapping ErrUnknownProfile.
func ParseProfile(s string) (string, error) {
	switch s {
	case "", ProfileV1:
		return ProfileV1, nil
	case ProfileV0:
		return ProfileV0, nil
	}
	return "", fmt.Errorf("parse profile %q (valid: %s, %s): %w", s, ProfileV1, ProfileV0, ErrUnknownProfile)
}

// settings returns boxo's definition of the named profile.
func settings(name string) (uio.UnixFSProfile, error) {
	name, err := ParseProfile(name)
	if err != nil {
		return uio.UnixFSProfile{}, err
	}
	if name == ProfileV0 {
		return uio.UnixFS_v0_2015, nil
	}
	return uio.UnixFS_v1_2025, nil
}

// applyGlobals sets boxo's process-wide import globals to p, as
// uio.UnixFSProfile.ApplyGlobals does, but writes each variable only when its
// value changes. The importer passes every setting explicitly as well, so
// the globals only matter to boxo code paths that read them directly; the
// conditional writes keep unrelated goroutines that merely read them (every
// dag-pb encode reads the field order) free of data races. The caller holds
// importMu.
func applyGlobals(p uio.UnixFSProfile) {
	if chunk.DefaultBlockSize != p.ChunkSize {
		chunk.DefaultBlockSize = p.ChunkSize
	}
	if helpers.DefaultLinksPerBlock != p.FileDAGWidth {
		helpers.DefaultLinksPerBlock = p.FileDAGWidth
	}
	if uio.HAMTShardingSize != p.HAMTShardingSize {
		uio.HAMTShardingSize = p.HAMTShardingSize
	}
	if uio.HAMTSizeEstimation != p.HAMTSizeEstimation {
		uio.HAMTSizeEstimation = p.HAMTSizeEstimation
	}
	if uio.DefaultShardWidth != p.HAMTShardWidth {
		uio.DefaultShardWidth = p.HAMTShardWidth
	}
	if merkledag.DefaultPBNodeFieldOrder != p.PBNodeFieldOrder {
		merkledag.DefaultPBNodeFieldOrder = p.PBNodeFieldOrder
	}
}
