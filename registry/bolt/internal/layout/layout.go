// Package layout is the on-disk layout of svcreg's index file: bucket
// names, keys and value encodings. It imports nothing but the standard
// library, so that both registry/bolt (the index) and registry/bolt/peek
// (the warm-resolve reader that runs before the rest of svcreg is
// initialised) read the file by one definition.
//
// All buckets live at the top level except the per-registry resolution
// buckets, which are nested in BucketResolutions:
//
//	meta        "layout"  → Version (one byte)
//	heads       <name>    → encoded Head
//	floors      <name>    → highest accepted seq, 8 bytes big-endian
//	roots       <name>    → root floor: u64 version | signed Root CID bytes
//	                        (registry/bolt creates the bucket on first use)
//	resolutions <name>/   → nested bucket, one per registry name:
//	            <root cid bytes> 0x00 <query> → encoded Resolution
//
// <name> is the registry's IPNS name (k51…). A registry's resolution
// bucket is deleted and recreated whenever its head moves, so it only ever
// holds answers for the current root; the root in the key additionally
// guards against a lookup for a stale root.
//
// Value encodings: every value starts with a format version byte; all
// integers are big-endian and fixed-width, so each value has exactly one
// encoding.
//
//	Head, format 1 (the name is the key and is not stored):
//	  0x01 | u32 len | root CID bytes | u64 seq | u32 len | record bytes
//	Resolution, format 2 (an empty CID field is no CID):
//	  0x02 | u32 len | service | u32 len | version | u32 len | CID bytes
//	       | 32-byte check
//	Floor: u64 seq (no version byte; its width is its format).
//
// A resolution's check is SHA-256 over "svcreg resolution\x00", the
// registry name (u32 len | name), the key (u32 len | key: root and query)
// and the value before the check. It is verified on every read, so a
// damaged answer, or one moved under another registry, root or query, is
// never given. Format 1 (the same without the check) is still read, as
// ErrUnchecked: callers treat it as a miss and store the answer again.
package layout

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
)

// Bucket and key names.
var (
	BucketMeta        = []byte("meta")
	BucketHeads       = []byte("heads")
	BucketFloors      = []byte("floors")
	BucketResolutions = []byte("resolutions")

	// KeyLayout in BucketMeta stores the layout version of the file.
	KeyLayout = []byte("layout")
)

// Version is the version of the bucket layout. registry/bolt refuses a file
// written with another.
const Version byte = 1

// Value format bytes.
const (
	HeadFormat       byte = 1
	ResolutionFormat byte = 2

	// uncheckedResolutionFormat is the resolution format before values
	// carried a check; DecodeResolution reads it as ErrUnchecked.
	uncheckedResolutionFormat byte = 1
)

// resolutionCheckSize is the size of a resolution's check (SHA-256).
const resolutionCheckSize = sha256.Size

// resolutionDomain starts the input of every resolution check, so that
// the check is never the hash of anything else svcreg stores.
const resolutionDomain = "svcreg resolution\x00"

// resolutionKeySep separates the root CID bytes from the query in a
// resolution key. CIDs are self-delimiting, so the key is unambiguous even
// when the CID bytes contain 0x00.
const resolutionKeySep byte = 0x00

// ErrCorrupt is returned when a value cannot be decoded.
var ErrCorrupt = errors.New("index is corrupt")

// ErrUnchecked is returned by DecodeResolution for a value written before
// resolutions carried a check (format 1), along with its fields.
var ErrUnchecked = errors.New("cached resolution has no check (old format)")

// ErrCheckMismatch is returned by DecodeResolution, along with the fields,
// when a value's check does not match the registry name, the key and the
// fields it is stored with: the value was damaged or moved.
var ErrCheckMismatch = errors.New("cached resolution fails its check")

// Corrupt returns an error wrapping ErrCorrupt.
func Corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// ResolutionKey returns the key of query at the root with CID bytes root
// inside a registry's resolution bucket.
func ResolutionKey(root, query string) []byte {
	k := make([]byte, 0, len(root)+1+len(query))
	k = append(k, root...)
	k = append(k, resolutionKeySep)
	return append(k, query...)
}

// Head is a decoded head value; its fields alias the value.
type Head struct {
	Root   []byte
	Seq    uint64
	Record []byte
}

// EncodeHead returns the stored form of a head.
func EncodeHead(h Head) []byte {
	b := make([]byte, 0, 1+4+len(h.Root)+8+4+len(h.Record))
	b = append(b, HeadFormat)
	b = AppendField(b, h.Root)
	b = binary.BigEndian.AppendUint64(b, h.Seq)
	return AppendField(b, h.Record)
}

// DecodeHead parses a value written by EncodeHead.
func DecodeHead(b []byte) (Head, error) {
	d := Decoder{b: b}
	if v := d.Byte(); d.err == nil && v != HeadFormat {
		return Head{}, Corrupt("head: unknown format %d", v)
	}
	h := Head{Root: d.Field(), Seq: d.Uint64(), Record: d.Field()}
	if err := d.Finish(); err != nil {
		return Head{}, fmt.Errorf("decode head: %w", err)
	}
	return h, nil
}

// Resolution is a decoded resolution value; its fields alias the value.
type Resolution struct {
	Service, Version, CID []byte
}

// EncodeResolution returns the stored form of a resolution of the
// registry name, stored under key (ResolutionKey), with its check.
func EncodeResolution(name string, key []byte, r Resolution) []byte {
	b := make([]byte, 0, 1+12+len(r.Service)+len(r.Version)+len(r.CID)+resolutionCheckSize)
	b = append(b, ResolutionFormat)
	b = AppendField(b, r.Service)
	b = AppendField(b, r.Version)
	b = AppendField(b, r.CID)
	sum := resolutionCheck(name, key, b)
	return append(b, sum[:]...)
}

// DecodeResolution parses a value written by EncodeResolution for the
// registry name under key and verifies its check. A value of the old
// format without a check gives its fields and ErrUnchecked; a value whose
// check fails gives its fields and ErrCheckMismatch.
// Either way the fields must not be used as an answer.
func DecodeResolution(name string, key, b []byte) (Resolution, error) {
	d := Decoder{b: b}
	format := d.Byte()
	if d.err == nil && format != ResolutionFormat && format != uncheckedResolutionFormat {
		return Resolution{}, Corrupt("resolution: unknown format %d", format)
	}
	r := Resolution{Service: d.Field(), Version: d.Field(), CID: d.Field()}
	var sum []byte
	if format == ResolutionFormat {
		sum = d.take(resolutionCheckSize)
	}
	if err := d.Finish(); err != nil {
		return Resolution{}, fmt.Errorf("decode resolution: %w", err)
	}
	if format == uncheckedResolutionFormat {
		return r, ErrUnchecked
	}
	want := resolutionCheck(name, key, b[:len(b)-resolutionCheckSize])
	if subtle.ConstantTimeCompare(sum, want[:]) != 1 {
		return r, ErrCheckMismatch
	}
	return r, nil
}

// resolutionCheck returns the check of a resolution value whose bytes
// before the check are body, stored for the registry name under key.
func resolutionCheck(name string, key, body []byte) [resolutionCheckSize]byte {
	in := make([]byte, 0, len(resolutionDomain)+8+len(name)+len(key)+len(body))
	in = append(in, resolutionDomain...)
	in = AppendField(in, []byte(name))
	in = AppendField(in, key)
	return sha256.Sum256(append(in, body...))
}

// AppendField appends field with its u32 length.
func AppendField(b, field []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(field)))
	return append(b, field...)
}

// Decoder reads fixed-width fields and remembers the first error.
type Decoder struct {
	b   []byte
	err error
}

func (d *Decoder) take(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.err = Corrupt("truncated value")
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

// Uint64 reads a big-endian u64.
func (d *Decoder) Uint64() uint64 {
	if v := d.take(8); v != nil {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// Field reads a u32 length and that many bytes.
func (d *Decoder) Field() []byte {
	v := d.take(4)
	if v == nil {
		return nil
	}
	return d.take(uint64(binary.BigEndian.Uint32(v)))
}

// Finish returns the first error, or an error if bytes are left over.
func (d *Decoder) Finish() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = Corrupt("%d trailing bytes", len(d.b))
	}
	return d.err
}
