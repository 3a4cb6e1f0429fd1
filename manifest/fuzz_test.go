package manifest_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"

	"github.com/svcreg/svcreg/manifest"
)

// addFuzzSeeds seeds f with every golden block (of every type: a decoder
// must also refuse the others cleanly) and a few mutations of each.
func addFuzzSeeds(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join(goldenDir, "*.dagcbor"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no golden fixtures in %s: %v", goldenDir, err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])                                // truncated
		f.Add(append(bytes.Clone(data), 0x00))                   // trailing byte
		f.Add(append([]byte{0xb8, data[0] & 0x1f}, data[1:]...)) // non-minimal map head
		for _, i := range []int{len(data) / 3, len(data) / 2, len(data) - 1} {
			m := bytes.Clone(data)
			m[i] ^= 0x01 // flip one bit
			f.Add(m)
		}
	}
	if b, err := manifest.EncodeManifest(signedManifest()); err == nil {
		f.Add(b.Data)
	}
	f.Add([]byte{})
	f.Add([]byte{0xa0})
	f.Add([]byte{0xbf, 0xff})
	f.Add([]byte{0xa1, 0x61, 'a', 0xd8, 0x2a, 0x45, 0x00, 0x01, 0x55, 0x00, 0x00}) // {"a": identity CID}
}

// checkSentinel fails unless err wraps one of the package's decode errors.
func checkSentinel(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, manifest.ErrInvalidManifest) && !errors.Is(err, manifest.ErrNotCanonical) && !errors.Is(err, manifest.ErrBlockTooLarge) &&
		!errors.Is(err, manifest.ErrTooManySignatures) {
		t.Fatalf("error wraps no manifest sentinel: %v", err)
	}
}

func FuzzDecodeManifest(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := manifest.DecodeManifest(data)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		b, err := manifest.EncodeManifest(m)
		if err != nil {
			t.Fatalf("decoded manifest does not encode: %v\n%x", err, data)
		}
		if !bytes.Equal(b.Data, data) {
			t.Fatalf("round trip changed the bytes:\n in %x\nout %x", data, b.Data)
		}
	})
}

func FuzzDecodeService(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := manifest.DecodeService(data)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		b, err := manifest.EncodeService(s)
		if err != nil {
			t.Fatalf("decoded service does not encode: %v\n%x", err, data)
		}
		if !bytes.Equal(b.Data, data) {
			t.Fatalf("round trip changed the bytes:\n in %x\nout %x", data, b.Data)
		}
	})
}

// FuzzDecodeIndex checks the hand-written ServiceIndex decoder against
// go-ipld-prime's dagcbor decoder:
//
//   - if DecodeIndex accepts, dagcbor decodes the same entries and
//     EncodeIndex gives the input back;
//   - if dagcbor decodes a map of string → link that it re-encodes to the
//     same bytes (so the input is canonical) and whose keys are all valid
//     names or all shard keys, DecodeIndex accepts.
func FuzzDecodeIndex(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := manifest.DecodeIndex(data)
		ref, refOK := dagcborLinkMap(data)
		if err != nil {
			checkSentinel(t, err)
			if refOK && len(data) <= manifest.MaxBlockSize && validIndexKeys(ref) {
				t.Fatalf("DecodeIndex refuses a canonical index that dagcbor reads: %v\n%x", err, data)
			}
			return
		}
		if !refOK {
			t.Fatalf("DecodeIndex accepts what dagcbor does not read as a canonical {String:Link}:\n%x", data)
		}
		if len(ref) != len(ix.Entries) {
			t.Fatalf("DecodeIndex gave %d entries, dagcbor %d", len(ix.Entries), len(ref))
		}
		for k, c := range ref {
			if got, ok := ix.Entries[k]; !ok || !got.Equals(c) {
				t.Fatalf("entry %q: DecodeIndex %v, dagcbor %v", k, got, c)
			}
		}
		b, err := manifest.EncodeIndex(ix)
		if err != nil {
			t.Fatalf("decoded index does not encode: %v", err)
		}
		if !bytes.Equal(b.Data, data) {
			t.Fatalf("round trip changed the bytes:\n in %x\nout %x", data, b.Data)
		}
	})
}

// dagcborLinkMap decodes data with go-ipld-prime into a basicnode and
// returns its entries if it is a map of string → CID link that dagcbor
// re-encodes to exactly data.
func dagcborLinkMap(data []byte) (map[string]cid.Cid, bool) {
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := (dagcbor.DecodeOptions{AllowLinks: true}).Decode(nb, bytes.NewReader(data)); err != nil {
		return nil, false
	}
	n := nb.Build()
	if n.Kind() != datamodel.Kind_Map {
		return nil, false
	}
	out := make(map[string]cid.Cid, n.Length())
	for it := n.MapIterator(); !it.Done(); {
		k, v, err := it.Next()
		if err != nil {
			return nil, false
		}
		ks, err := k.AsString()
		if err != nil {
			return nil, false
		}
		l, err := v.AsLink()
		if err != nil {
			return nil, false
		}
		cl, ok := l.(cidlink.Link)
		if !ok {
			return nil, false
		}
		out[ks] = cl.Cid
	}
	var buf bytes.Buffer
	if err := dagcbor.Encode(n, &buf); err != nil || !bytes.Equal(buf.Bytes(), data) {
		return nil, false
	}
	return out, true
}

// validIndexKeys reports whether the keys are all service names or all
// shard keys ("-" and two lower-case hex digits), as FORMAT.md says.
func validIndexKeys(m map[string]cid.Cid) bool {
	names, shards := 0, 0
	for k := range m {
		if _, err := manifest.ParseName(k); err == nil {
			names++
		} else if len(k) == 3 && k[0] == '-' && strings.ToLower(k) == k {
			if _, err := hex.DecodeString(k[1:]); err == nil {
				shards++
			}
		}
	}
	return names == len(m) || shards == len(m)
}

// FuzzDecodeVersionNode checks the hand-written VersionIndex decoder: what
// it accepts re-encodes to the same bytes, and go-ipld-prime's dagcbor
// decoder reads those bytes and writes them back unchanged (so they are
// canonical DAG-CBOR).
func FuzzDecodeVersionNode(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := manifest.DecodeVersionNode(data)
		if err != nil {
			checkSentinel(t, err)
			return
		}
		b, err := manifest.EncodeVersionNode(n)
		if err != nil {
			t.Fatalf("decoded node does not encode: %v", err)
		}
		if !bytes.Equal(b.Data, data) {
			t.Fatalf("round trip changed the bytes:\n in %x\nout %x", data, b.Data)
		}
		nb := basicnode.Prototype.Any.NewBuilder()
		if err := dagcbor.Decode(nb, bytes.NewReader(data)); err != nil {
			t.Fatalf("DecodeVersionNode accepts what dagcbor refuses: %v\n%x", err, data)
		}
		var again bytes.Buffer
		if err := dagcbor.Encode(nb.Build(), &again); err != nil || !bytes.Equal(again.Bytes(), data) {
			t.Fatalf("dagcbor does not write the accepted bytes back (%v):\n in %x\nout %x", err, data, again.Bytes())
		}
	})
}
