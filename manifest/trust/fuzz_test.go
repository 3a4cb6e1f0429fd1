package trust_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

// addFuzzSeeds seeds f with every fixture (of every type: a decoder must
// also refuse the others cleanly), the Roots inside the signed ones, and
// a few mutations of each.
func addFuzzSeeds(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.dagcbor"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no fixtures in testdata: %v", err)
	}
	var seeds [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, data)
		if sr, err := trust.DecodeSignedRoot(data); err == nil {
			if b, err := trust.EncodeRoot(&sr.Root); err == nil {
				seeds = append(seeds, b.Data)
			}
		}
	}
	for _, data := range seeds {
		f.Add(data)
		f.Add(data[:len(data)/2])                                // truncated
		f.Add(append(bytes.Clone(data), 0x00))                   // trailing byte
		f.Add(append([]byte{0xb8, data[0] & 0x1f}, data[1:]...)) // non-minimal map head
		for _, i := range []int{len(data) / 3, len(data) / 2, len(data) - 1} {
			m := bytes.Clone(data)
			m[i] ^= 0x01
			f.Add(m)
		}
	}
	f.Add([]byte{})
	f.Add([]byte{0xa0})
	f.Add([]byte{0xbf, 0xff})
}

// checkSentinel fails unless err wraps one of the package's decode errors.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, trust.ErrInvalid) && !errors.Is(err, trust.ErrTooLarge) && !errors.Is(err, trust.ErrTooManySignatures) {
		t.Fatalf("error wraps no trust sentinel: %v", err)
	}
}

// roundTrip is the property of every decoder: what it accepts encodes
// back to the same bytes, so the CID is stable.
func roundTrip[T any](f *testing.F, decode func([]byte) (*T, error), encode func(*T) (manifest.Block, error)) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decode(data)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		b, err := encode(v)
		if err != nil {
			t.Fatalf("decoded block does not encode: %v\n%x", err, data)
		}
		if !bytes.Equal(b.Data, data) {
			t.Fatalf("round trip changed the bytes:\n in %x\nout %x", data, b.Data)
		}
	})
}

func FuzzDecodeRoot(f *testing.F) { roundTrip(f, trust.DecodeRoot, trust.EncodeRoot) }

func FuzzDecodeSignedRoot(f *testing.F) {
	roundTrip(f, trust.DecodeSignedRoot, trust.EncodeSignedRoot)
}

func FuzzDecodeMoved(f *testing.F) { roundTrip(f, trust.DecodeMoved, trust.EncodeMoved) }
