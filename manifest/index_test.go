package manifest

// Differential tests of the hand-written ServiceIndex codec (indexcodec.go)
// against go-ipld-prime's dagcbor codec, through bindnode with the schema's
// ServiceIndex type and through a schema-free basicnode map. IndexLeafMax
// and the splitting of leaves are the registry's business and not tested
// here.

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/datamodel"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	"github.com/ipld/go-ipld-prime/node/bindnode"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/schema"
)

// diffWireIndex is the bindnode form of the schema's ServiceIndex
// {String:Link}. Keys may be in any order: dagcbor.Encode sorts them.
type diffWireIndex struct {
	Keys   []string
	Values map[string]datamodel.Link
}

// refEncodeBindnode encodes entries with bindnode + dagcbor, keys handed
// over in the order given.
func refEncodeBindnode(t testing.TB, order []string, entries map[string]cid.Cid) []byte {
	t.Helper()
	w := &diffWireIndex{Keys: slices.Clone(order), Values: map[string]datamodel.Link{}}
	for k, c := range entries {
		w.Values[k] = cidlink.Link{Cid: c}
	}
	var buf bytes.Buffer
	if err := dagcbor.Encode(bindnode.Wrap(w, schema.Type("ServiceIndex")).Representation(), &buf); err != nil {
		t.Fatalf("bindnode dagcbor.Encode: %v", err)
	}
	return buf.Bytes()
}

// refEncodeBasic encodes entries as a schema-free basicnode map.
func refEncodeBasic(t testing.TB, order []string, entries map[string]cid.Cid) []byte {
	t.Helper()
	nb := basicnode.Prototype.Map.NewBuilder()
	ma, err := nb.BeginMap(int64(len(order)))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range order {
		if err := ma.AssembleKey().AssignString(k); err != nil {
			t.Fatal(err)
		}
		if err := ma.AssembleValue().AssignLink(cidlink.Link{Cid: entries[k]}); err != nil {
			t.Fatal(err)
		}
	}
	if err := ma.Finish(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := dagcbor.Encode(nb.Build(), &buf); err != nil {
		t.Fatalf("basicnode dagcbor.Encode: %v", err)
	}
	return buf.Bytes()
}

// refDecodeBindnode decodes data with bindnode + dagcbor.
func refDecodeBindnode(t testing.TB, data []byte) map[string]cid.Cid {
	t.Helper()
	nb := bindnode.Prototype((*diffWireIndex)(nil), schema.Type("ServiceIndex")).Representation().NewBuilder()
	if err := dagcbor.Decode(nb, bytes.NewReader(data)); err != nil {
		t.Fatalf("bindnode dagcbor.Decode: %v", err)
	}
	w := bindnode.Unwrap(nb.Build()).(*diffWireIndex)
	out := map[string]cid.Cid{}
	for k, l := range w.Values {
		out[k] = l.(cidlink.Link).Cid
	}
	if len(w.Keys) != len(out) {
		t.Fatalf("bindnode decoded %d keys, %d values", len(w.Keys), len(out))
	}
	return out
}

const (
	nameFirst = "abcdefghijklmnopqrstuvwxyz0123456789_"
	nameRest  = nameFirst + "-."
)

// randName returns a valid service name of 1 to MaxNameLen bytes, mostly
// short ones so that many keys share a length and their byte order matters.
func randName(rng *rand.Rand) string {
	var n int
	switch p := rng.IntN(10); {
	case p < 5:
		n = 1 + rng.IntN(8)
	case p < 8:
		n = 9 + rng.IntN(32)
	default:
		n = 41 + rng.IntN(MaxNameLen-40)
	}
	b := make([]byte, n)
	b[0] = nameFirst[rng.IntN(len(nameFirst))]
	for i := 1; i < n; i++ {
		b[i] = nameRest[rng.IntN(len(nameRest))]
	}
	return string(b)
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func mustSum(t testing.TB, data []byte, code uint64) multihash.Multihash {
	t.Helper()
	mh, err := multihash.Sum(data, code, -1)
	if err != nil {
		t.Fatal(err)
	}
	return mh
}

// randCID returns a CID of a random kind: CIDv0 (dag-pb), CIDv1 raw,
// dag-pb, dag-cbor and libp2p-key, with sha2-256, sha2-512 and identity
// multihashes, including identity CIDs long enough for a 2-byte length.
func randCID(t testing.TB, rng *rand.Rand) cid.Cid {
	t.Helper()
	data := randBytes(rng, 1+rng.IntN(64))
	switch rng.IntN(9) {
	case 0, 1:
		return cid.NewCidV0(mustSum(t, data, multihash.SHA2_256))
	case 2:
		return cid.NewCidV1(cid.Raw, mustSum(t, data, multihash.SHA2_256))
	case 3:
		return cid.NewCidV1(cid.DagProtobuf, mustSum(t, data, multihash.SHA2_256))
	case 4:
		return cid.NewCidV1(cid.DagCBOR, mustSum(t, data, multihash.SHA2_256))
	case 5:
		return cid.NewCidV1(cid.DagCBOR, mustSum(t, data, multihash.SHA2_512))
	case 6:
		return cid.NewCidV1(cid.Raw, mustSum(t, data[:rng.IntN(len(data))], multihash.IDENTITY))
	case 7:
		return cid.NewCidV1(cid.Libp2pKey, mustSum(t, randBytes(rng, 36), multihash.IDENTITY))
	default:
		return cid.NewCidV1(cid.Raw, mustSum(t, randBytes(rng, 200+rng.IntN(200)), multihash.IDENTITY))
	}
}

// checkIndexAgainstReference runs EncodeIndex and DecodeIndex on entries
// and compares both directions with go-ipld-prime.
func checkIndexAgainstReference(t *testing.T, rng *rand.Rand, entries map[string]cid.Cid) {
	t.Helper()
	order := slices.Collect(maps.Keys(entries))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	want := refEncodeBindnode(t, order, entries)
	if basic := refEncodeBasic(t, order, entries); !bytes.Equal(basic, want) {
		t.Fatalf("bindnode and basicnode encodings differ (%d entries)", len(entries))
	}
	b, err := EncodeIndex(Index{Entries: entries})
	if err != nil {
		t.Fatalf("EncodeIndex (%d entries): %v", len(entries), err)
	}
	if !bytes.Equal(b.Data, want) {
		i := 0
		for i < min(len(b.Data), len(want)) && b.Data[i] == want[i] {
			i++
		}
		t.Fatalf("EncodeIndex (%d entries) differs from dagcbor.Encode at byte %d of %d/%d:\n got %x\nwant %x",
			len(entries), i, len(b.Data), len(want), b.Data[i:min(i+48, len(b.Data))], want[i:min(i+48, len(want))])
	}
	wantCID, err := cid.V1Builder{Codec: cid.DagCBOR, MhType: multihash.SHA2_256}.Sum(want)
	if err != nil {
		t.Fatal(err)
	}
	if !b.CID.Equals(wantCID) {
		t.Fatalf("EncodeIndex CID %s, want %s", b.CID, wantCID)
	}

	got, err := DecodeIndex(want)
	if err != nil {
		t.Fatalf("DecodeIndex of dagcbor.Encode output (%d entries): %v", len(entries), err)
	}
	if !maps.EqualFunc(got.Entries, entries, cid.Cid.Equals) {
		t.Fatalf("DecodeIndex (%d entries) gave other entries", len(entries))
	}
	if ref := refDecodeBindnode(t, b.Data); !maps.EqualFunc(ref, entries, cid.Cid.Equals) {
		t.Fatalf("dagcbor.Decode of EncodeIndex output (%d entries) gave other entries", len(entries))
	}
}

func TestIndexCodecMatchesDagcborLeaves(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5eed, 1))
	sizes := []int{0, 1, 2, 23, 24, 25, 255, 256, 257, 2000}
	for range 30 {
		sizes = append(sizes, rng.IntN(2001))
	}
	if testing.Short() {
		sizes = sizes[:10]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			entries := make(map[string]cid.Cid, n)
			for len(entries) < n {
				name := randName(rng)
				if _, err := ParseName(name); err != nil {
					t.Fatalf("generator made an invalid name: %v", err)
				}
				entries[name] = randCID(t, rng)
			}
			checkIndexAgainstReference(t, rng, entries)
		})
	}
}

func TestIndexCodecMatchesDagcborBranches(t *testing.T) {
	rng := rand.New(rand.NewPCG(0x5eed, 2))
	for i := range 40 {
		n := 1 + rng.IntN(256)
		switch i {
		case 0:
			n = 1
		case 1:
			n = 256
		}
		entries := map[string]cid.Cid{}
		for _, b := range rng.Perm(256)[:n] {
			entries[fmt.Sprintf("-%02x", b)] = cid.NewCidV1(cid.DagCBOR, mustSum(t, randBytes(rng, 32), multihash.SHA2_256))
		}
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			checkIndexAgainstReference(t, rng, entries)
			if got, _ := DecodeIndex(refEncodeBasic(t, slices.Collect(maps.Keys(entries)), entries)); !got.IsBranch() {
				t.Error("decoded branch is not IsBranch")
			}
		})
	}
}

// A map of 65,536 entries needs the 4-byte map head (0xba); with short
// names and identity CIDs it still fits in MaxBlockSize.
func TestIndexCodecLargeMapHead(t *testing.T) {
	if testing.Short() {
		t.Skip("large map")
	}
	rng := rand.New(rand.NewPCG(0x5eed, 3))
	c := cid.NewCidV1(cid.Raw, mustSum(t, []byte{7}, multihash.IDENTITY))
	entries := make(map[string]cid.Cid, 1<<16)
	for i := 0; len(entries) < 1<<16; i++ {
		b := []byte{nameFirst[i%len(nameFirst)]}
		for j := i / len(nameFirst); j > 0; j /= len(nameRest) {
			b = append(b, nameRest[j%len(nameRest)])
		}
		entries[string(b)] = c
	}
	checkIndexAgainstReference(t, rng, entries)
	b, _ := EncodeIndex(Index{Entries: entries})
	if !bytes.HasPrefix(b.Data, []byte{0xba, 0, 1, 0, 0}) {
		t.Errorf("map head % x, want ba 00 01 00 00", b.Data[:5])
	}
}

// The CBOR heads at each length boundary, written out by hand.
func TestCBORHeadBoundaries(t *testing.T) {
	for _, tc := range []struct {
		n    uint64
		want []byte
	}{
		{0, []byte{0x40}},
		{23, []byte{0x57}},
		{24, []byte{0x58, 24}},
		{255, []byte{0x58, 0xff}},
		{256, []byte{0x59, 0x01, 0x00}},
		{65535, []byte{0x59, 0xff, 0xff}},
		{65536, []byte{0x5a, 0, 1, 0, 0}},
		{1<<32 - 1, []byte{0x5a, 0xff, 0xff, 0xff, 0xff}},
		{1 << 32, []byte{0x5b, 0, 0, 0, 1, 0, 0, 0, 0}},
		{1<<64 - 1, []byte{0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	} {
		got := appendHead(nil, cborBytes, tc.n)
		if !bytes.Equal(got, tc.want) {
			t.Errorf("appendHead(%d) = % x, want % x", tc.n, got, tc.want)
		}
		r := &cborReader{b: tc.want}
		if n, err := r.head(cborBytes); err != nil || n != tc.n || r.off != len(tc.want) {
			t.Errorf("head(% x) = %d, %v (off %d), want %d", tc.want, n, err, r.off, tc.n)
		}
		if len(tc.want) > 1 {
			// The same value one size up is not in its shortest form.
			longer := []byte{0x5b, 0, 0, 0, 0, 0, 0, 0, 0}
			switch len(tc.want) {
			case 2:
				longer = []byte{0x59, 0, tc.want[1]}
			case 3:
				longer = []byte{0x5a, 0, 0, tc.want[1], tc.want[2]}
			case 5:
				copy(longer[5:], tc.want[1:])
			default:
				continue
			}
			if _, err := (&cborReader{b: longer}).head(cborBytes); err == nil {
				t.Errorf("head(% x) accepted a non-minimal head", longer)
			}
		}
	}
	for n := range uint64(24) {
		if _, err := (&cborReader{b: []byte{0x58, byte(n)}}).head(cborBytes); err == nil {
			t.Errorf("head(58 %02x) accepted a non-minimal head", n)
		}
	}
}

func TestIndexSizeIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 30 {
		entries := map[string]cid.Cid{}
		for range rng.IntN(3000) {
			entries[randName(rng)] = randCID(t, rng)
		}
		if i%2 == 1 {
			entries = map[string]cid.Cid{}
			for k := range 256 {
				entries[fmt.Sprintf("-%02x", k)] = randCID(t, rng)
			}
		}
		b, err := EncodeIndex(Index{Entries: entries})
		if err != nil {
			t.Fatal(err)
		}
		if got := IndexSize(entries); got != len(b.Data) {
			t.Fatalf("IndexSize = %d, encoded %d bytes", got, len(b.Data))
		}
	}
}
