package layout

import (
	"bytes"
	"testing"
)

// FuzzDecode: the decoders never panic, and what they accept re-encodes
// to the same bytes (each value has exactly one encoding).
func FuzzDecode(f *testing.F) {
	f.Add(EncodeHead(Head{Root: []byte{1, 0x71, 0x12, 0x20}, Seq: 7, Record: []byte("rec")}))
	key := ResolutionKey("\x01\x71", "say@^1")
	f.Add(EncodeResolution("k51name", key, Resolution{Service: []byte("say"), Version: []byte("1.0.0"), CID: []byte{1, 0x70}}))
	f.Add([]byte{HeadFormat, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, err := DecodeHead(b); err == nil && !bytes.Equal(EncodeHead(h), b) {
			t.Fatalf("head %x re-encodes to %x", b, EncodeHead(h))
		}
		if r, err := DecodeResolution("k51name", key, b); err == nil && !bytes.Equal(EncodeResolution("k51name", key, r), b) {
			t.Fatalf("resolution %x re-encodes to %x", b, EncodeResolution("k51name", key, r))
		}
	})
}
