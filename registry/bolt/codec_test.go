package bolt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func TestHeadCodec(t *testing.T) {
	v0, err := cid.Decode("QmZw6xhmwyEi65dxU2dykmi2WGuKx8cNpitC5nNQRhthNJ")
	if err != nil {
		t.Fatal(err)
	}
	tests := []registry.Head{
		{Root: testCid("a"), Seq: 1, Record: []byte("rec")},
		{Root: v0, Seq: 1<<64 - 1},
		{Root: testCid("b"), Seq: 42, Record: bytes.Repeat([]byte{0}, 10<<10)},
	}
	for _, h := range tests {
		b := encodeHead(h)
		got, err := decodeHead(b)
		if err != nil {
			t.Fatalf("decodeHead(encodeHead(%+v)): %v", h, err)
		}
		if !reflect.DeepEqual(got, h) {
			t.Fatalf("round trip: got %+v, want %+v", got, h)
		}
	}
}

func TestResolutionCodec(t *testing.T) {
	tests := []registry.Resolution{
		{},
		{Service: "tts", Version: manifest.MustParseVersion("1.2.3"), CID: testCid("x")},
		{Service: "a\x00b", CID: cid.Undef},
	}
	for _, r := range tests {
		got, err := decodeResolution("k51name", testKey, encodeResolution("k51name", testKey, r))
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("round trip of %+v: got %+v, %v", r, got, err)
		}
	}
}

func TestDecodeCorrupt(t *testing.T) {
	good := encodeHead(registry.Head{Root: testCid("a"), Seq: 1, Record: []byte("r")})
	goodRes := encodeResolution("k51name", testKey, registry.Resolution{Service: "s", CID: testCid("a")})
	tests := []struct {
		desc   string
		decode func([]byte) error
		b      []byte
	}{
		{"head empty", decodeHeadErr, nil},
		{"head unknown format", decodeHeadErr, append([]byte{9}, good[1:]...)},
		{"head truncated", decodeHeadErr, good[:len(good)-1]},
		{"head trailing", decodeHeadErr, append(bytes.Clone(good), 0)},
		{"head seq 0", decodeHeadErr, encodeHead(registry.Head{Root: testCid("a")})},
		{"head no root", decodeHeadErr, encodeHead(registry.Head{Seq: 1})},
		{"head huge length", decodeHeadErr, []byte{1, 0xff, 0xff, 0xff, 0xff, 0}},
		{"head bad cid", decodeHeadErr, rawHead([]byte{0x01, 0x55}, 1, nil)},
		{"head cid with trailing bytes", decodeHeadErr, rawHead(append(testCid("a").Bytes(), 0), 1, nil)},
		{"resolution empty", decodeResolutionErr, nil},
		{"resolution truncated", decodeResolutionErr, goodRes[:len(goodRes)-3]},
		{"resolution bad cid", decodeResolutionErr, []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0x01, 0x55}},
		{"resolution unknown format", decodeResolutionErr, append([]byte{9}, goodRes[1:]...)},
		{"floor short", func(b []byte) error { _, err := decodeFloor(b); return err }, []byte{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if err := tt.decode(tt.b); !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("got %v, want ErrCorruptIndex", err)
			}
		})
	}
}

// rawHead encodes a head value with arbitrary root bytes.
func rawHead(root []byte, seq uint64, record []byte) []byte {
	b := appendField([]byte{headFormat}, root)
	b = binary.BigEndian.AppendUint64(b, seq)
	return appendField(b, record)
}

func decodeHeadErr(b []byte) error { _, err := decodeHead(b); return err }
func decodeResolutionErr(b []byte) error {
	_, err := decodeResolution("k51name", testKey, b)
	return err
}

// testKey is a resolution key for the codec tests.
var testKey = resolutionKey(testCid("root"), "tts@^1")

func FuzzDecodeHead(f *testing.F) {
	f.Add(encodeHead(registry.Head{Root: testCid("a"), Seq: 1, Record: []byte("rec")}))
	f.Add(encodeHead(registry.Head{Root: testCid("b"), Seq: 9}))
	f.Add([]byte{1, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := decodeHead(b)
		if err != nil {
			if !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("error does not wrap ErrCorruptIndex: %v", err)
			}
			return
		}
		if enc := encodeHead(h); !bytes.Equal(enc, b) {
			t.Fatalf("not canonical: decoded %+v re-encodes to %x, input %x", h, enc, b)
		}
	})
}

func FuzzDecodeResolution(f *testing.F) {
	f.Add(encodeResolution("k51name", testKey, registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), CID: testCid("x")}))
	f.Add(encodeResolution("k51name", testKey, registry.Resolution{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeResolution("k51name", testKey, b)
		if err != nil {
			if !errors.Is(err, ErrCorruptIndex) && !uncheckedOrDamaged(err) {
				t.Fatalf("error does not wrap ErrCorruptIndex: %v", err)
			}
			return
		}
		if enc := encodeResolution("k51name", testKey, r); !bytes.Equal(enc, b) {
			t.Fatalf("not canonical: decoded %+v re-encodes to %x, input %x", r, enc, b)
		}
	})
}
