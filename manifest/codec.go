package manifest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/node/bindnode"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/schema"
)

// Block is an encoded manifest block and its CID.
type Block struct {
	CID  cid.Cid
	Data []byte
}

// Prefix is the CID recipe of every manifest block: CIDv1, dag-cbor,
// sha2-256.
var Prefix = cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: multihash.SHA2_256, MhLength: -1}

// NewBlock hashes data into a Block.
func NewBlock(data []byte) (Block, error) {
	c, err := Prefix.Sum(data)
	if err != nil {
		return Block{}, fmt.Errorf("hash block: %w", err)
	}
	return Block{CID: c, Data: data}, nil
}

// CheckBlock verifies that data hashes to c.
func CheckBlock(c cid.Cid, data []byte) error {
	got, err := c.Prefix().Sum(data)
	if err != nil {
		return fmt.Errorf("hash block %s: %w", c, err)
	}
	if !got.Equals(c) {
		return fmt.Errorf("%w: %s hashes to %s", ErrCIDMismatch, c, got)
	}
	return nil
}

// encode writes v (a pointer to a wire type) as canonical DAG-CBOR.
func encode(v interface{}, typeName string) (Block, error) {
	n := bindnode.Wrap(v, schema.Type(typeName))
	var buf bytes.Buffer
	if err := dagcbor.Encode(n.Representation(), &buf); err != nil {
		return Block{}, fmt.Errorf("encode %s: %w", typeName, err)
	}
	if buf.Len() > MaxBlockSize {
		return Block{}, fmt.Errorf("encode %s: %w (%d > %d bytes)", typeName, ErrBlockTooLarge, buf.Len(), MaxBlockSize)
	}
	return NewBlock(buf.Bytes())
}

// decode reads data as the wire type T and insists that the bytes are
// canonical: re-encoding must give them back exactly.
func decode[T any](data []byte, typeName string) (*T, error) {
	if len(data) > MaxBlockSize {
		return nil, fmt.Errorf("decode %s: %w (%d > %d bytes)", typeName, ErrBlockTooLarge, len(data), MaxBlockSize)
	}
	proto := bindnode.Prototype((*T)(nil), schema.Type(typeName))
	nb := proto.Representation().NewBuilder()
	opts := dagcbor.DecodeOptions{AllowLinks: true, DontParseBeyondEnd: false}
	if err := opts.Decode(nb, bytes.NewReader(data)); err != nil {
		return nil, errors.Join(ErrInvalidManifest, fmt.Errorf("decode %s: %w", typeName, err))
	}
	v, ok := bindnode.Unwrap(nb.Build()).(*T)
	if !ok {
		return nil, fmt.Errorf("decode %s: %w: unexpected node type", typeName, ErrInvalidManifest)
	}
	again, err := encode(v, typeName)
	if err != nil {
		return nil, errors.Join(ErrInvalidManifest, fmt.Errorf("re-encode %s: %w", typeName, err))
	}
	if !bytes.Equal(again.Data, data) {
		return nil, fmt.Errorf("decode %s: %w", typeName, ErrNotCanonical)
	}
	return v, nil
}
