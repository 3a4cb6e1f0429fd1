package trust_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/ipld/go-ipld-prime/codec/dagcbor"
	"github.com/ipld/go-ipld-prime/codec/dagjson"
	"github.com/ipld/go-ipld-prime/node/basicnode"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

var update = flag.Bool("update", false, "rewrite the golden fixtures in testdata (a format change: review the diff)")

// goldens builds the fixtures from fixed seeds: a signed Root v1 (2 of 3
// root keys), v2 (key c replaced by d, a second publish key; signed by
// old and new thresholds), the Root of a new name and a Moved to it, and
// a manifest linking v2 with its publish signature.
func goldens(t testing.TB) map[string]manifest.Block {
	t.Helper()
	v1 := newRoot(1, cid.Undef, keys("a", "b", "c"), 2, keys("p1"), 1)
	b1 := mustEncode(t, signed(t, v1, key("a"), key("b")))
	v2 := newRoot(2, b1.CID, keys("a", "b", "d"), 2, keys("p1", "p2"), 1)
	b2 := mustEncode(t, signed(t, v2, key("a"), key("b"), key("d")))
	moved := newRoot(3, b2.CID, keys("a", "b", "d"), 2, keys("p1", "p2"), 1)
	moved.Registry = otherRegistry
	b3 := mustEncode(t, signed(t, moved, key("a"), key("d")))
	mv := &trust.Moved{From: testRegistry, To: otherRegistry, Root: b3.CID}
	for _, k := range keys("a", "d") {
		s, err := trust.SignMoved(k, mv)
		if err != nil {
			t.Fatal(err)
		}
		mv.Signatures = append(mv.Signatures, s)
	}
	bm, err := trust.EncodeMoved(mv)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.EncodeManifest(testManifest(t, b2.CID, key("p2")))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]manifest.Block{
		"root-v1": b1, "root-v2": b2, "root-moved": b3, "moved": bm, "manifest-signed": m,
	}
}

// TestGolden checks every fixture byte for byte and CID for CID, and its
// .dag-json description (written by go-ipld-prime's generic codecs, not
// this package's) against the bytes.
func TestGolden(t *testing.T) {
	for name, b := range goldens(t) {
		t.Run(name, func(t *testing.T) {
			base := filepath.Join("testdata", name)
			desc := describe(t, b.Data)
			if *update {
				writeFile(t, base+".dagcbor", b.Data)
				writeFile(t, base+".cid", []byte(b.CID.String()+"\n"))
				writeFile(t, base+".dag-json", desc)
			}
			data := readFile(t, base+".dagcbor")
			if !bytes.Equal(data, b.Data) {
				t.Errorf("encoding differs from %s.dagcbor:\n got %x\nwant %x", base, b.Data, data)
			}
			if got := strings.TrimSpace(string(readFile(t, base+".cid"))); got != b.CID.String() {
				t.Errorf("CID %s, %s.cid says %s", b.CID, base, got)
			}
			if !bytes.Equal(readFile(t, base+".dag-json"), describe(t, data)) {
				t.Errorf("%s.dag-json does not describe %s.dagcbor", base, base)
			}
		})
	}
	chain := goldens(t)
	v1, err := trust.DecodeSignedRoot(chain["root-v1"].Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := trust.VerifyRoot(v1); err != nil {
		t.Fatalf("root-v1: %v", err)
	}
	v2, err := trust.DecodeSignedRoot(chain["root-v2"].Data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := trust.VerifyChain(&v1.Root, []*trust.SignedRoot{v2}, t0); err != nil {
		t.Fatalf("root-v1 → root-v2: %v", err)
	}
	m, err := manifest.DecodeManifest(chain["manifest-signed"].Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := trust.VerifyManifest(&v2.Root, chain["root-v2"].CID, m); err != nil {
		t.Fatalf("manifest-signed: %v", err)
	}
	rm, err := trust.DecodeSignedRoot(chain["root-moved"].Data)
	if err != nil {
		t.Fatal(err)
	}
	mv, err := trust.DecodeMoved(chain["moved"].Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := trust.VerifyMovedSignatures(&rm.Root, chain["root-moved"].CID, mv); err != nil {
		t.Fatalf("moved: %v", err)
	}
}

// describe returns data as DAG-JSON, through basicnode.
func describe(t testing.TB, data []byte) []byte {
	t.Helper()
	nb := basicnode.Prototype.Any.NewBuilder()
	if err := dagcbor.Decode(nb, bytes.NewReader(data)); err != nil {
		t.Fatalf("dagcbor: %v", err)
	}
	var buf bytes.Buffer
	if err := dagjson.Encode(nb.Build(), &buf); err != nil {
		t.Fatal(err)
	}
	return append(buf.Bytes(), '\n')
}

func readFile(t testing.TB, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (regenerate: go test ./manifest/trust -run TestGolden -update)", err)
	}
	return data
}

func writeFile(t testing.TB, p string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
