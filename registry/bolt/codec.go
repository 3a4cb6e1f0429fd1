package bolt

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/registry"
)

// Value encodings. Every value starts with a format version byte; all
// integers are big-endian and fixed-width, so each value has exactly one
// encoding and decode(encode(v)) == v, encode(decode(b)) == b.
//
// Head, version 1 (the name is the key and is not stored):
//
//	0x01 | u32 len | root CID bytes | u64 seq | u32 len | record bytes
//
// Resolution, version 1 (an empty CID field is cid.Undef):
//
//	0x01 | u32 len | service | u32 len | version | u32 len | CID bytes
//
// Floor: u64 seq (no version byte; its width is its format).
const (
	headFormat       byte = 1
	resolutionFormat byte = 1
)

// corrupt returns an error wrapping ErrCorruptIndex.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorruptIndex}, args...)...)
}

// encodeHead returns the stored form of h. h.Name is not encoded.
func encodeHead(h registry.Head) []byte {
	root := h.Root.Bytes()
	b := make([]byte, 0, 1+4+len(root)+8+4+len(h.Record))
	b = append(b, headFormat)
	b = appendField(b, root)
	b = binary.BigEndian.AppendUint64(b, h.Seq)
	return appendField(b, h.Record)
}

// decodeHead parses a value written by encodeHead. The returned head has
// no Name and does not alias b.
func decodeHead(b []byte) (registry.Head, error) {
	d := decoder{b: b}
	if v := d.byte(); d.err == nil && v != headFormat {
		return registry.Head{}, corrupt("head: unknown format %d", v)
	}
	rootBytes := d.field()
	seq := d.uint64()
	record := d.field()
	if err := d.finish(); err != nil {
		return registry.Head{}, fmt.Errorf("decode head: %w", err)
	}
	root, err := decodeCid(rootBytes)
	if err != nil {
		return registry.Head{}, fmt.Errorf("decode head: %w", err)
	}
	if !root.Defined() {
		return registry.Head{}, corrupt("head: no root")
	}
	if seq == 0 {
		return registry.Head{}, corrupt("head: sequence 0")
	}
	return registry.Head{Root: root, Seq: seq, Record: clone(record)}, nil
}

// encodeResolution returns the stored form of r.
func encodeResolution(r registry.Resolution) []byte {
	c := r.CID.Bytes()
	b := make([]byte, 0, 1+12+len(r.Service)+len(r.Version)+len(c))
	b = append(b, resolutionFormat)
	b = appendField(b, []byte(r.Service))
	b = appendField(b, []byte(r.Version))
	return appendField(b, c)
}

// decodeResolution parses a value written by encodeResolution. The result
// does not alias b.
func decodeResolution(b []byte) (registry.Resolution, error) {
	d := decoder{b: b}
	if v := d.byte(); d.err == nil && v != resolutionFormat {
		return registry.Resolution{}, corrupt("resolution: unknown format %d", v)
	}
	service := d.field()
	version := d.field()
	cidBytes := d.field()
	if err := d.finish(); err != nil {
		return registry.Resolution{}, fmt.Errorf("decode resolution: %w", err)
	}
	c, err := decodeCid(cidBytes)
	if err != nil {
		return registry.Resolution{}, fmt.Errorf("decode resolution: %w", err)
	}
	return registry.Resolution{Service: string(service), Version: string(version), CID: c}, nil
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

func appendField(b, field []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(field)))
	return append(b, field...)
}

func clone(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b)
}

// decoder reads fixed-width fields from b and remembers the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = corrupt("truncated value")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *decoder) uint64() uint64 {
	if v := d.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func (d *decoder) field() []byte {
	v := d.take(4)
	if v == nil {
		return nil
	}
	return d.take(uint64(binary.BigEndian.Uint32(v)))
}

// finish returns the first error, or an error if bytes are left over.
func (d *decoder) finish() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = corrupt("%d trailing bytes", len(d.b))
	}
	return d.err
}
