package layout

import (
	"bytes"
	"errors"
	"testing"
)

// TestResolutionCheck: a resolution is read back only under the name and
// key it was stored with, and every single flipped bit of its value is
// refused, never read as another answer.
func TestResolutionCheck(t *testing.T) {
	key := ResolutionKey("\x01\x71\x12\x20root", "say@^1")
	r := Resolution{Service: []byte("say"), Version: []byte("1.2.3"), CID: []byte{1, 0x70, 0x12, 0x20, 7, 7}}
	v := EncodeResolution("k51name", key, r)
	got, err := DecodeResolution("k51name", key, v)
	if err != nil || !bytes.Equal(got.CID, r.CID) || !bytes.Equal(got.Version, r.Version) {
		t.Fatalf("round trip = %+v, %v", got, err)
	}
	if _, err := DecodeResolution("k51other", key, v); !errors.Is(err, ErrCheckMismatch) {
		t.Errorf("under another name: %v, want ErrCheckMismatch", err)
	}
	if _, err := DecodeResolution("k51name", ResolutionKey("\x01\x71\x12\x20root", "say@^2"), v); !errors.Is(err, ErrCheckMismatch) {
		t.Errorf("under another query: %v, want ErrCheckMismatch", err)
	}
	for bit := range len(v) * 8 {
		b := bytes.Clone(v)
		b[bit/8] ^= 1 << (bit % 8)
		if _, err := DecodeResolution("k51name", key, b); err == nil {
			t.Fatalf("bit %d flipped: accepted", bit)
		}
	}
	old := append([]byte{uncheckedResolutionFormat}, v[1:len(v)-resolutionCheckSize]...)
	if got, err := DecodeResolution("k51name", key, old); !errors.Is(err, ErrUnchecked) || !bytes.Equal(got.CID, r.CID) {
		t.Errorf("format 1 = %+v, %v; want its fields and ErrUnchecked", got, err)
	}
}
