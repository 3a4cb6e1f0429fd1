package manifest

import (
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode/utf8"
)

// VersionIndex nodes are read whole by every publish and resolve of a
// large service, so, like the ServiceIndex, they are encoded and decoded
// here directly rather than through bindnode (which also cannot encode a
// struct with an optional field as a kinded-union member). The bytes are
// the canonical DAG-CBOR of the schema types: golden fixtures made by an
// independent encoder and a fuzz target against go-ipld-prime's dagcbor
// hold the two together.

const (
	cborUint   = 0 << 5
	cborNegInt = 1 << 5
	cborFalse  = 0xf4
	cborTrue   = 0xf5
)

// The fields of a Release in canonical (length-first) order.
const (
	keySize      = "size"
	keyHidden    = "hidden"
	keyYanked    = "yanked"
	keyContent   = "content"
	keyProfile   = "profile"
	keyPublished = "published"
	keyTime      = "time"
	keyReason    = "reason"
)

func appendText(b []byte, s string) []byte {
	return append(appendHead(b, cborText, uint64(len(s))), s...)
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		return appendHead(b, cborNegInt, uint64(-(v + 1)))
	}
	return appendHead(b, cborUint, uint64(v))
}

func appendLink(b []byte, c []byte) []byte {
	b = append(b, cidTag...)
	b = appendHead(b, cborBytes, uint64(len(c)+1))
	return append(append(b, 0), c...)
}

// appendReleases appends the map version → release in canonical order.
func appendReleases(b []byte, rs map[string]Release) []byte {
	b = appendHead(b, cborMap, uint64(len(rs)))
	for _, k := range slices.SortedFunc(maps.Keys(rs), compareKeys) {
		b = appendRelease(appendText(b, k), rs[k])
	}
	return b
}

func appendRelease(b []byte, r Release) []byte {
	n := uint64(5)
	if r.Yank != nil {
		n = 6
	}
	b = appendHead(b, cborMap, n)
	b = appendInt(appendText(b, keySize), int64(r.Size))
	b = appendText(b, keyHidden)
	if r.Hidden {
		b = append(b, cborTrue)
	} else {
		b = append(b, cborFalse)
	}
	if r.Yank != nil {
		b = appendHead(appendText(b, keyYanked), cborMap, 2)
		b = appendInt(appendText(b, keyTime), r.Yank.Time.Unix())
		b = appendText(appendText(b, keyReason), r.Yank.Reason)
	}
	b = appendLink(appendText(b, keyContent), r.Content.Bytes())
	b = appendText(appendText(b, keyProfile), r.Profile)
	return appendInt(appendText(b, keyPublished), r.Published.Unix())
}

// decodeVersionNode reads a leaf (values are maps) or a branch (values
// are links); the first value's kind decides, and every other value must
// be of the same kind.
func decodeVersionNode(data []byte) (VersionNode, error) {
	r := &cborReader{b: data}
	if len(data) > 1 && r.peekEntryIsLink() {
		children, err := decodeLinkMap(data)
		if err != nil {
			return VersionNode{}, err
		}
		return VersionNode{Children: children}, nil
	}
	n, err := r.head(cborMap)
	if err != nil {
		return VersionNode{}, err
	}
	if n > uint64(len(data)) {
		return VersionNode{}, fmt.Errorf("%w: map of %d entries in %d bytes", errCBOR, n, len(data))
	}
	out := VersionNode{Releases: make(map[string]Release, n)}
	prev := ""
	for i := range n {
		k, err := r.text()
		if err != nil {
			return VersionNode{}, err
		}
		if i > 0 && compareKeys(prev, k) >= 0 {
			return VersionNode{}, fmt.Errorf("%w: map keys out of canonical order or repeated at %q", ErrNotCanonical, k)
		}
		if out.Releases[k], err = r.release(); err != nil {
			return VersionNode{}, fmt.Errorf("%s: %w", k, err)
		}
		prev = k
	}
	if r.off != len(data) {
		return VersionNode{}, fmt.Errorf("%w: %d trailing bytes", errCBOR, len(data)-r.off)
	}
	return out, nil
}

// peekEntryIsLink reports whether the map at the start holds at least one
// entry whose value is a link, without moving.
func (r *cborReader) peekEntryIsLink() bool {
	p := &cborReader{b: r.b, off: r.off}
	if n, err := p.head(cborMap); err != nil || n == 0 {
		return false
	}
	if _, err := p.bytes(cborText); err != nil {
		return false
	}
	return p.off+len(cidTag) <= len(p.b) && p.b[p.off] == cidTag[0] && p.b[p.off+1] == cidTag[1]
}

func (r *cborReader) text() (string, error) {
	b, err := r.bytes(cborText)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%w: text is not utf-8", errCBOR)
	}
	return string(b), nil
}

func (r *cborReader) key(want string) error {
	k, err := r.text()
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("%w: field %q where %q belongs", errCBOR, k, want)
	}
	return nil
}

func (r *cborReader) int() (int64, error) {
	if r.off < len(r.b) && r.b[r.off]&0xe0 == cborNegInt {
		n, err := r.head(cborNegInt)
		if err != nil || n > 1<<63-1 {
			return 0, fmt.Errorf("%w: integer out of range", errCBOR)
		}
		return -int64(n) - 1, nil
	}
	n, err := r.head(cborUint)
	if err != nil {
		return 0, err
	}
	if n > 1<<63-1 {
		return 0, fmt.Errorf("%w: integer out of range", errCBOR)
	}
	return int64(n), nil
}

func (r *cborReader) bool() (bool, error) {
	if r.off < len(r.b) {
		switch r.b[r.off] {
		case cborTrue, cborFalse:
			r.off++
			return r.b[r.off-1] == cborTrue, nil
		}
	}
	return false, fmt.Errorf("%w at byte %d: want a bool", errCBOR, r.off)
}

// release reads one Release map, its fields in canonical order.
func (r *cborReader) release() (Release, error) {
	n, err := r.head(cborMap)
	if err != nil {
		return Release{}, err
	}
	if n != 5 && n != 6 {
		return Release{}, fmt.Errorf("%w: a release has 5 or 6 fields, not %d", errCBOR, n)
	}
	var rel Release
	if err := r.key(keySize); err != nil {
		return Release{}, err
	}
	size, err := r.int()
	if err != nil {
		return Release{}, err
	}
	if size < 0 {
		return Release{}, fmt.Errorf("negative size %d", size)
	}
	rel.Size = uint64(size)
	if err := r.key(keyHidden); err != nil {
		return Release{}, err
	}
	if rel.Hidden, err = r.bool(); err != nil {
		return Release{}, err
	}
	if n == 6 {
		if rel.Yank, err = r.yank(); err != nil {
			return Release{}, err
		}
	}
	if err := r.key(keyContent); err != nil {
		return Release{}, err
	}
	if rel.Content, err = r.link(); err != nil {
		return Release{}, err
	}
	if err := r.key(keyProfile); err != nil {
		return Release{}, err
	}
	if rel.Profile, err = r.text(); err != nil {
		return Release{}, err
	}
	if err := r.key(keyPublished); err != nil {
		return Release{}, err
	}
	pub, err := r.int()
	if err != nil {
		return Release{}, err
	}
	rel.Published = time.Unix(pub, 0).UTC()
	return rel, nil
}

func (r *cborReader) yank() (*Yank, error) {
	if err := r.key(keyYanked); err != nil {
		return nil, err
	}
	if n, err := r.head(cborMap); err != nil || n != 2 {
		return nil, fmt.Errorf("%w: a yank has 2 fields (%v)", errCBOR, err)
	}
	if err := r.key(keyTime); err != nil {
		return nil, err
	}
	t, err := r.int()
	if err != nil {
		return nil, err
	}
	if err := r.key(keyReason); err != nil {
		return nil, err
	}
	reason, err := r.text()
	if err != nil {
		return nil, err
	}
	return &Yank{Reason: reason, Time: time.Unix(t, 0).UTC()}, nil
}
