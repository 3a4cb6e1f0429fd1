package trust

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/node/bindnode"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/schema"
)

// EncodeRoot returns the canonical DAG-CBOR block of r: the bytes the
// root signatures cover, after the domain prefix.
func EncodeRoot(r *Root) (manifest.Block, error) {
	w, err := r.wire()
	if err != nil {
		return manifest.Block{}, err
	}
	return encode(&w, "Root")
}

// DecodeRoot decodes and validates a Root block.
func DecodeRoot(data []byte) (*Root, error) {
	if err := checkSize(data, "Root"); err != nil {
		return nil, err
	}
	w, err := decode[wireRoot](data, "Root")
	if err != nil {
		return nil, err
	}
	return w.root()
}

// EncodeSignedRoot returns the canonical DAG-CBOR block of sr.
func EncodeSignedRoot(sr *SignedRoot) (manifest.Block, error) {
	w, err := sr.Root.wire()
	if err != nil {
		return manifest.Block{}, err
	}
	if err := manifest.CheckSignatures(sr.Signatures); err != nil {
		return manifest.Block{}, fmt.Errorf("signed root: %w", err)
	}
	return encode(&wireSignedRoot{Root: w, Signatures: wireSigs(sr.Signatures)}, "SignedRoot")
}

// DecodeSignedRoot decodes and validates a signed Root block. It refuses
// blocks over MaxSize and lists of more than manifest.MaxSignatures
// signatures before decoding; it verifies no signature.
func DecodeSignedRoot(data []byte) (*SignedRoot, error) {
	if err := checkSize(data, "SignedRoot"); err != nil {
		return nil, err
	}
	w, err := decode[wireSignedRoot](data, "SignedRoot")
	if err != nil {
		return nil, err
	}
	r, err := w.Root.root()
	if err != nil {
		return nil, err
	}
	sr := &SignedRoot{Root: *r, Signatures: sigsOf(w.Signatures)}
	if err := manifest.CheckSignatures(sr.Signatures); err != nil {
		return nil, errors.Join(ErrInvalid, fmt.Errorf("signed root: %w", err))
	}
	return sr, nil
}

func (r *Root) wire() (wireRoot, error) {
	if err := r.validate(); err != nil {
		return wireRoot{}, err
	}
	w := wireRoot{
		Registry: r.Registry, Version: int64(r.Version), Expires: r.Expires.Unix(),
		MaxRecordLifetime: int64(r.MaxRecordLifetime / time.Second),
		Keys:              wireKeys{Keys: slices.Sorted(maps.Keys(r.Keys)), Values: map[string][]byte{}},
		Roles:             wireRoles{Keys: slices.Sorted(maps.Keys(r.Roles)), Values: map[string]wireRole{}},
	}
	if r.Prev.Defined() {
		p := link(r.Prev)
		w.Prev = &p
	}
	for id, k := range r.Keys {
		w.Keys.Values[id] = k
	}
	for name, role := range r.Roles {
		w.Roles.Values[name] = wireRole{KeyIDs: role.KeyIDs, Threshold: int64(role.Threshold)}
	}
	return w, nil
}

func (w *wireRoot) root() (*Root, error) {
	if w.Version < 1 || w.MaxRecordLifetime < 1 || w.MaxRecordLifetime > math.MaxInt64/int64(time.Second) || w.Expires < 0 {
		return nil, fmt.Errorf("%w: root: version %d, max record lifetime %d, expiry %d out of range", ErrInvalid, w.Version, w.MaxRecordLifetime, w.Expires)
	}
	r := &Root{
		Registry: w.Registry, Version: uint64(w.Version), Expires: time.Unix(w.Expires, 0).UTC(),
		MaxRecordLifetime: time.Duration(w.MaxRecordLifetime) * time.Second,
		Keys:              make(map[string]ed25519.PublicKey, len(w.Keys.Values)),
		Roles:             make(map[string]Role, len(w.Roles.Values)),
	}
	if w.Prev != nil {
		if r.Prev = unlink(*w.Prev); !r.Prev.Defined() {
			return nil, fmt.Errorf("%w: root: prev is not a cid link", ErrInvalid)
		}
	}
	for id, k := range w.Keys.Values {
		r.Keys[id] = k
	}
	for name, role := range w.Roles.Values {
		if role.Threshold > math.MaxInt32 {
			return nil, fmt.Errorf("%w: root: role %s: threshold %d out of range", ErrInvalid, name, role.Threshold)
		}
		r.Roles[name] = Role{KeyIDs: role.KeyIDs, Threshold: int(role.Threshold)}
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return r, nil
}

// checkSize refuses, before decoding, a block over MaxSize or one whose
// top-level "signatures" list is longer than manifest.MaxSignatures.
func checkSize(data []byte, typeName string) error {
	if len(data) > MaxSize {
		return fmt.Errorf("decode %s: %w (%d > %d bytes)", typeName, ErrTooLarge, len(data), MaxSize)
	}
	n, err := listLen(data, "signatures")
	if err != nil {
		return errors.Join(ErrInvalid, fmt.Errorf("decode %s: %w", typeName, err))
	}
	if n > manifest.MaxSignatures {
		return fmt.Errorf("decode %s: %w: %d > %d", typeName, ErrTooManySignatures, n, manifest.MaxSignatures)
	}
	return nil
}

// encode writes v (a pointer to a wire type) as canonical DAG-CBOR, at
// most MaxSize bytes.
func encode(v any, typeName string) (manifest.Block, error) {
	n := bindnode.Wrap(v, schema.Type(typeName))
	var buf bytes.Buffer
	if err := dagcbor.Encode(n.Representation(), &buf); err != nil {
		return manifest.Block{}, fmt.Errorf("encode %s: %w", typeName, err)
	}
	if buf.Len() > MaxSize {
		return manifest.Block{}, fmt.Errorf("encode %s: %w (%d > %d bytes)", typeName, ErrTooLarge, buf.Len(), MaxSize)
	}
	return manifest.NewBlock(buf.Bytes())
}

// decode reads data as the wire type T and insists that the bytes are
// canonical: re-encoding must give them back exactly.
func decode[T any](data []byte, typeName string) (*T, error) {
	proto := bindnode.Prototype((*T)(nil), schema.Type(typeName))
	nb := proto.Representation().NewBuilder()
	if err := (dagcbor.DecodeOptions{AllowLinks: true}).Decode(nb, bytes.NewReader(data)); err != nil {
		return nil, errors.Join(ErrInvalid, fmt.Errorf("decode %s: %w", typeName, err))
	}
	v, ok := bindnode.Unwrap(nb.Build()).(*T)
	if !ok {
		return nil, fmt.Errorf("decode %s: %w: unexpected node type", typeName, ErrInvalid)
	}
	again, err := encode(v, typeName)
	if err != nil {
		return nil, errors.Join(ErrInvalid, fmt.Errorf("re-encode %s: %w", typeName, err))
	}
	if !bytes.Equal(again.Data, data) {
		return nil, errors.Join(ErrInvalid, fmt.Errorf("decode %s: %w", typeName, manifest.ErrNotCanonical))
	}
	return v, nil
}
