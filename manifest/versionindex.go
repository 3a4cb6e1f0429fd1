package manifest

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
)

// VersionLeafMax is the largest encoded Service block that holds its
// versions inline, and the largest encoded VersionIndex leaf. A service
// that outgrows it keeps its versions in a VersionIndex; a leaf that
// outgrows it becomes a branch of up to 256 children keyed by
// ShardKey(version, depth). At about 150 bytes a release, services of up
// to about 400 versions stay inline, so their gateway paths stay
// services/<name>/versions/<version>/….
const VersionLeafMax = 64 << 10

// VersionNode is one VersionIndex node: a leaf maps versions to releases,
// a branch maps shard keys to child nodes. A node is never both.
type VersionNode struct {
	Releases map[string]Release
	Children map[string]cid.Cid
}

// IsBranch reports whether the node's entries are child links.
func (n VersionNode) IsBranch() bool { return len(n.Children) > 0 }

// EncodeVersionNode returns the canonical DAG-CBOR block of n.
func EncodeVersionNode(n VersionNode) (Block, error) {
	if err := n.validate(); err != nil {
		return Block{}, err
	}
	var data []byte
	if n.IsBranch() {
		data = encodeLinkMap(n.Children)
	} else {
		data = appendReleases(make([]byte, 0, ReleasesSize(n.Releases)), n.Releases)
	}
	if len(data) > MaxBlockSize {
		return Block{}, fmt.Errorf("encode VersionIndex: %w (%d > %d bytes)", ErrBlockTooLarge, len(data), MaxBlockSize)
	}
	return NewBlock(data)
}

// DecodeVersionNode decodes and validates a VersionIndex block.
func DecodeVersionNode(data []byte) (VersionNode, error) {
	if len(data) > MaxBlockSize {
		return VersionNode{}, fmt.Errorf("decode VersionIndex: %w (%d > %d bytes)", ErrBlockTooLarge, len(data), MaxBlockSize)
	}
	n, err := decodeVersionNode(data)
	if err != nil {
		if errors.Is(err, ErrNotCanonical) {
			return VersionNode{}, fmt.Errorf("decode VersionIndex: %w", err)
		}
		return VersionNode{}, errors.Join(ErrInvalidManifest, fmt.Errorf("decode VersionIndex: %w", err))
	}
	return n, n.validate()
}

func (n VersionNode) validate() error {
	if len(n.Releases) > 0 && len(n.Children) > 0 {
		return fmt.Errorf("%w: version index node mixes releases and shard links", ErrInvalidManifest)
	}
	for k, c := range n.Children {
		if !validShardKey(k) {
			return fmt.Errorf("%w: bad shard key %q", ErrInvalidManifest, k)
		}
		if !c.Defined() {
			return fmt.Errorf("%w: version index entry %q has no cid", ErrInvalidManifest, k)
		}
	}
	if err := validateReleases(n.Releases); err != nil {
		return fmt.Errorf("%w: version index: %w", ErrInvalidManifest, err)
	}
	return nil
}

// ReleaseEntrySize returns the exact number of bytes that the entry
// version → r adds to an encoded VersionIndex leaf or inline Releases map,
// so that the leaf limit can be checked without encoding.
func ReleaseEntrySize(version string, r Release) int {
	n := textSize(version) + 1 // the release is a map of 5 or 6 fields
	n += textSize("content") + linkSize(r.Content)
	n += textSize("size") + intSize(int64(r.Size))
	n += textSize("profile") + textSize(r.Profile)
	n += textSize("hidden") + 1
	n += textSize("published") + intSize(r.Published.Unix())
	if r.Yank != nil {
		n += textSize("yanked") + 1 + textSize("reason") + textSize(r.Yank.Reason) + textSize("time") + intSize(r.Yank.Time.Unix())
	}
	return n
}

// ReleasesSize returns the exact encoded size of a VersionIndex leaf (or
// inline Releases map) holding rs.
func ReleasesSize(rs map[string]Release) int {
	n := headSize(uint64(len(rs)))
	for k, r := range rs {
		n += ReleaseEntrySize(k, r)
	}
	return n
}

func textSize(s string) int { return headSize(uint64(len(s))) + len(s) }

func linkSize(c cid.Cid) int {
	l := c.ByteLen() + 1
	return len(cidTag) + headSize(uint64(l)) + l
}

func intSize(v int64) int {
	if v < 0 {
		return headSize(uint64(-(v + 1)))
	}
	return headSize(uint64(v))
}
