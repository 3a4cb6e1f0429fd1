package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt/internal/layout"
)

// Value encodings are defined in internal/layout; these wrap them with
// the registry's types and check what the raw format cannot (a defined
// root, a sequence above 0, canonical CID bytes).
const headFormat = layout.HeadFormat

// corrupt returns an error wrapping ErrCorruptIndex.
func corrupt(format string, args ...any) error { return layout.Corrupt(format, args...) }

// encodeHead returns the stored form of h. h.Name is not encoded.
func encodeHead(h registry.Head) []byte {
	return layout.EncodeHead(layout.Head{Root: h.Root.Bytes(), Seq: h.Seq, Record: h.Record})
}

// decodeHead parses a value written by encodeHead. The returned head has
// no Name and does not alias b.
func decodeHead(b []byte) (registry.Head, error) {
	raw, err := layout.DecodeHead(b)
	if err != nil {
		return registry.Head{}, err
	}
	root, err := decodeCid(raw.Root)
	if err != nil {
		return registry.Head{}, fmt.Errorf("decode head: %w", err)
	}
	if !root.Defined() {
		return registry.Head{}, corrupt("head: no root")
	}
	if raw.Seq == 0 {
		return registry.Head{}, corrupt("head: sequence 0")
	}
	return registry.Head{Root: root, Seq: raw.Seq, Record: clone(raw.Record)}, nil
}

// encodeResolution returns the stored form of r, cached for the registry
// name under key, with its check.
func encodeResolution(name string, key []byte, r registry.Resolution) []byte {
	raw := layout.Resolution{Service: []byte(r.Service), Version: []byte(r.Version.String()), CID: r.CID.Bytes()}
	return layout.EncodeResolution(name, key, raw)
}

// decodeResolution parses a value written by encodeResolution for name
// under key and verifies its check. A value without a check (the old
// format) gives layout.ErrUnchecked, one whose check fails
// layout.ErrCheckMismatch; both come with the decoded fields, which are
// no answer. The result does not alias b.
func decodeResolution(name string, key, b []byte) (registry.Resolution, error) {
	raw, err := layout.DecodeResolution(name, key, b)
	if err != nil && !errors.Is(err, layout.ErrUnchecked) && !errors.Is(err, layout.ErrCheckMismatch) {
		return registry.Resolution{}, err
	}
	c, cerr := decodeCid(raw.CID)
	if cerr != nil {
		return registry.Resolution{}, fmt.Errorf("decode resolution: %w", cerr)
	}
	res := registry.Resolution{Service: manifest.Name(raw.Service), CID: c}
	if err != nil { // no answer: the fields are returned as far as they decode
		res.Version, _ = manifest.ParseVersion(string(raw.Version))
		return res, err
	}
	if res.Version, err = manifest.ParseVersion(string(raw.Version)); err != nil {
		return registry.Resolution{}, corrupt("resolution: %v", err)
	}
	return res, nil
}

// encodeFloor returns the stored form of a floor.
func encodeFloor(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// decodeFloor parses a value written by encodeFloor.
func decodeFloor(b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, corrupt("floor: %d bytes, want 8", len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// decodeCid parses canonical CID bytes; empty bytes are cid.Undef.
func decodeCid(b []byte) (cid.Cid, error) {
	if len(b) == 0 {
		return cid.Undef, nil
	}
	c, err := cid.Cast(b)
	if err != nil {
		return cid.Undef, corrupt("cid: %v", err)
	}
	if !bytes.Equal(c.Bytes(), b) {
		return cid.Undef, corrupt("cid: not in canonical form")
	}
	return c, nil
}

func appendField(b, field []byte) []byte { return layout.AppendField(b, field) }

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}
