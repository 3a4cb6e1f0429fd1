package manifest

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/ipfs/go-cid"
)

// The ServiceIndex is the one block a publish rewrites whole and a resolve
// reads whole, and at up to 768 KiB it is too big for bindnode's
// reflection (about 60 ms per 10,000 entries). Its schema type is a plain
// {String:Link}, so this file encodes and decodes it directly, to the same
// canonical DAG-CBOR bytes: tests and a fuzz target check the result
// against go-ipld-prime's dagcbor+bindnode codec.

// CBOR major types used by {String:Link}.
const (
	cborBytes = 2 << 5
	cborText  = 3 << 5
	cborMap   = 5 << 5
)

var cidTag = []byte{0xd8, 0x2a} // tag 42

func appendHead(b []byte, major byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, major|byte(n))
	case n <= 0xff:
		return append(b, major|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, major|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, major|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, major|27), n)
}

// compareKeys orders map keys canonically: shorter first, then bytewise.
func compareKeys(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

func headSize(n uint64) int {
	switch {
	case n < 24:
		return 1
	case n <= 0xff:
		return 2
	case n <= 0xffff:
		return 3
	case n <= 0xffffffff:
		return 5
	}
	return 9
}

// IndexSize returns the exact encoded size of an index node holding
// entries, without encoding it.
func IndexSize(entries map[string]cid.Cid) int {
	n := headSize(uint64(len(entries)))
	for k, c := range entries {
		cl := c.ByteLen() + 1
		n += headSize(uint64(len(k))) + len(k) + len(cidTag) + headSize(uint64(cl)) + cl
	}
	return n
}

func encodeLinkMap(entries map[string]cid.Cid) []byte {
	keys := slices.SortedFunc(maps.Keys(entries), compareKeys)
	b := make([]byte, 0, len(entries)*64+9)
	b = appendHead(b, cborMap, uint64(len(keys)))
	for _, k := range keys {
		b = appendHead(b, cborText, uint64(len(k)))
		b = append(b, k...)
		cb := entries[k].Bytes()
		b = append(b, cidTag...)
		b = appendHead(b, cborBytes, uint64(len(cb)+1))
		b = append(append(b, 0), cb...)
	}
	return b
}

var errCBOR = errors.New("malformed or non-canonical cbor")

// cborReader reads the canonical subset of CBOR that {String:Link} uses.
type cborReader struct {
	b   []byte
	off int
}

func (r *cborReader) head(major byte) (uint64, error) {
	if r.off >= len(r.b) || r.b[r.off]&0xe0 != major {
		return 0, fmt.Errorf("%w at byte %d: want major type %d", errCBOR, r.off, major>>5)
	}
	info := r.b[r.off] & 0x1f
	r.off++
	var n uint64
	var size int
	switch {
	case info < 24:
		return uint64(info), nil
	case info == 24:
		size = 1
	case info == 25:
		size = 2
	case info == 26:
		size = 4
	case info == 27:
		size = 8
	default:
		return 0, fmt.Errorf("%w at byte %d: indefinite or reserved length", errCBOR, r.off-1)
	}
	if len(r.b)-r.off < size {
		return 0, fmt.Errorf("%w: truncated", errCBOR)
	}
	for _, c := range r.b[r.off : r.off+size] {
		n = n<<8 | uint64(c)
	}
	r.off += size
	if min := []uint64{24, 0x100, 0x10000, 0x100000000}[map[int]int{1: 0, 2: 1, 4: 2, 8: 3}[size]]; n < min {
		return 0, fmt.Errorf("%w at byte %d: length not in its shortest form", errCBOR, r.off-size-1)
	}
	return n, nil
}

func (r *cborReader) bytes(major byte) ([]byte, error) {
	n, err := r.head(major)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(r.b)-r.off) {
		return nil, fmt.Errorf("%w: truncated", errCBOR)
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out, nil
}

func (r *cborReader) link() (cid.Cid, error) {
	if !bytes.HasPrefix(r.b[r.off:], cidTag) {
		return cid.Undef, fmt.Errorf("%w at byte %d: want a link (tag 42)", errCBOR, r.off)
	}
	r.off += len(cidTag)
	raw, err := r.bytes(cborBytes)
	if err != nil {
		return cid.Undef, err
	}
	if len(raw) < 2 || raw[0] != 0 {
		return cid.Undef, fmt.Errorf("%w: link without the 0x00 multibase prefix", errCBOR)
	}
	c, err := cid.Cast(raw[1:])
	if err != nil {
		return cid.Undef, fmt.Errorf("%w: %w", errCBOR, err)
	}
	if !bytes.Equal(c.Bytes(), raw[1:]) {
		return cid.Undef, fmt.Errorf("%w: cid bytes not canonical", errCBOR)
	}
	return c, nil
}

func decodeLinkMap(data []byte) (map[string]cid.Cid, error) {
	r := &cborReader{b: data}
	n, err := r.head(cborMap)
	if err != nil {
		return nil, err
	}
	if n > uint64(len(data)) {
		return nil, fmt.Errorf("%w: map of %d entries in %d bytes", errCBOR, n, len(data))
	}
	out := make(map[string]cid.Cid, n)
	prev := ""
	for i := range n {
		kb, err := r.bytes(cborText)
		if err != nil {
			return nil, err
		}
		k := string(kb)
		if !utf8.ValidString(k) {
			return nil, fmt.Errorf("%w: key is not utf-8", errCBOR)
		}
		if i > 0 && compareKeys(prev, k) >= 0 {
			return nil, fmt.Errorf("%w: map keys out of canonical order or repeated at %q", ErrNotCanonical, k)
		}
		if out[k], err = r.link(); err != nil {
			return nil, err
		}
		prev = k
	}
	if r.off != len(data) {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCBOR, len(data)-r.off)
	}
	return out, nil
}
