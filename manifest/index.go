package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/ipfs/go-cid"
)

// IndexLeafMax is the largest encoded ServiceIndex leaf. A leaf that would
// grow past it becomes a branch of up to 256 children keyed by ShardKey.
// At about 60 bytes an entry, registries of up to about 1,000 services
// keep one flat leaf, so their gateway paths stay services/<name>/….
// Format 1 allowed 768 KiB; a publish rewrites the leaf it lands in, and
// at 64 KiB that costs no more in a registry of a million releases than
// in an empty one.
const IndexLeafMax = 64 << 10

// MaxIndexDepth bounds the branch depth: one level per byte of sha256.
const MaxIndexDepth = sha256.Size

// Index is one ServiceIndex node. A leaf maps service names to Service
// blocks; a branch maps shard keys ("-" and two hex digits) to child Index
// blocks. A node is never both.
type Index struct {
	Entries map[string]cid.Cid
}

// IsBranch reports whether the node's keys are shard keys.
func (ix Index) IsBranch() bool {
	for k := range ix.Entries {
		return strings.HasPrefix(k, "-")
	}
	return false
}

// ShardKey returns the branch key under which name sits at depth: "-"
// followed by byte depth of sha256(name) in lower-case hex.
func ShardKey(name string, depth int) string {
	sum := sha256.Sum256([]byte(name))
	return "-" + hex.EncodeToString(sum[depth:depth+1])
}

// validShardKey reports whether k is a branch key: "-" and two lower-case
// hex digits.
func validShardKey(k string) bool {
	if len(k) != 3 || k[0] != '-' {
		return false
	}
	return strings.IndexFunc(k[1:], func(r rune) bool { return !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') }) < 0
}

// EncodeIndex returns the canonical DAG-CBOR block of ix. It does not check
// IndexLeafMax; callers split leaves that outgrow it.
func EncodeIndex(ix Index) (Block, error) {
	if err := ix.validate(); err != nil {
		return Block{}, err
	}
	for k, c := range ix.Entries {
		if !c.Defined() {
			return Block{}, fmt.Errorf("%w: index entry %q has no cid", ErrInvalidManifest, k)
		}
	}
	data := encodeLinkMap(ix.Entries)
	if len(data) > MaxBlockSize {
		return Block{}, fmt.Errorf("encode ServiceIndex: %w (%d > %d bytes)", ErrBlockTooLarge, len(data), MaxBlockSize)
	}
	return NewBlock(data)
}

// DecodeIndex decodes and validates a ServiceIndex block.
func DecodeIndex(data []byte) (Index, error) {
	if len(data) > MaxBlockSize {
		return Index{}, fmt.Errorf("decode ServiceIndex: %w (%d > %d bytes)", ErrBlockTooLarge, len(data), MaxBlockSize)
	}
	entries, err := decodeLinkMap(data)
	if err != nil {
		if errors.Is(err, ErrNotCanonical) {
			return Index{}, fmt.Errorf("decode ServiceIndex: %w", err)
		}
		return Index{}, errors.Join(ErrInvalidManifest, fmt.Errorf("decode ServiceIndex: %w", err))
	}
	ix := Index{Entries: entries}
	return ix, ix.validate()
}

func (ix Index) validate() error {
	branch := ix.IsBranch()
	for k := range ix.Entries {
		if branch != strings.HasPrefix(k, "-") {
			return fmt.Errorf("%w: index node mixes shard keys and names", ErrInvalidManifest)
		}
		if branch {
			if !validShardKey(k) {
				return fmt.Errorf("%w: bad shard key %q", ErrInvalidManifest, k)
			}
		} else if _, err := ParseName(k); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidManifest, err)
		}
	}
	return nil
}
