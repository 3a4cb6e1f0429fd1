package follow

import (
	"slices"
	"testing"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/multiformats/go-multihash"
)

// TestPBLinks: the links read from a dag-pb node without decoding it are
// the node's links, in order; a truncated node is refused.
func TestPBLinks(t *testing.T) {
	n := merkledag.NodeWithData([]byte("\x08\x01")) // UnixFS directory
	var want []cid.Cid
	for _, s := range []string{"a", "b", "c"} {
		c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		if err := n.AddRawLink(s, &ipld.Link{Name: s, Size: 1, Cid: c}); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	got, err := links(n.Cid(), n.RawData())
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("links: %v, %v; want %v", got, err, want)
	}
	if _, err := links(n.Cid(), n.RawData()[:len(n.RawData())-3]); err == nil {
		t.Fatal("a truncated node gave links")
	}
}
