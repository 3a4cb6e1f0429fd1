package remote

import (
	"bytes"
	"testing"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	carstorage "github.com/ipld/go-car/v2/storage"
)

// FuzzReadDAG feeds arbitrary gateway responses to the CAR reader: it must
// never panic, and whatever it accepts must hash to its CID and hang off
// the root.
func FuzzReadDAG(f *testing.F) {
	leaf := merkledag.NewRawNode([]byte("leaf"))
	root := merkledag.NodeWithData([]byte{0x08, 0x01})
	if err := root.AddNodeLink("leaf", leaf); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := carstorage.NewWritable(&buf, []cid.Cid{root.Cid()}, carv2.WriteAsCarV1(true))
	if err != nil {
		f.Fatal(err)
	}
	w.Put(f.Context(), root.Cid().KeyString(), root.RawData())
	w.Put(f.Context(), leaf.Cid().KeyString(), leaf.RawData())
	w.Finalize()
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:40])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := map[cid.Cid]bool{}
		err := readDAG(bytes.NewReader(data), root.Cid(), func(c cid.Cid, b []byte) error {
			if sum, err := c.Prefix().Sum(b); err != nil || !sum.Equals(c) {
				t.Fatalf("accepted %s with bytes that do not hash to it", c)
			}
			if len(seen) == 0 && !c.Equals(root.Cid()) {
				t.Fatalf("first block %s is not the root", c)
			}
			seen[c] = true
			return nil
		})
		if err == nil && !seen[root.Cid()] {
			t.Fatal("accepted a CAR without the root")
		}
	})
}
