package unixfs

import (
	"context"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

// TestGolden imports every fixture tree with both profiles and compares the
// root with the CID that real kubo 0.43.1 produced (testdata/golden.txt).
func TestGolden(t *testing.T) {
	want := golden(t)
	for _, c := range fixtures.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			if testing.Short() && c.Big {
				t.Skip("big tree in -short mode")
			}
			for _, p := range profiles {
				w, ok := want[c.Name][p]
				if !ok {
					t.Fatalf("golden.txt has no %s %s: run testdata/gen-golden.sh", c.Name, p)
				}
				_, res := importFixture(t, c.Tree, p, c.Hidden)
				if !res.Root.Equals(w) {
					t.Errorf("%s: got %s, kubo made %s", p, res.Root, w)
				}
			}
		})
	}
}

// TestGoldenMatchesNotes checks golden.txt against the table in the shared
// IPFS notes, which was produced independently with kubo 0.43.1.
func TestGoldenMatchesNotes(t *testing.T) {
	notes := []struct{ name, v0, v1 string }{
		{"bigdir", "QmRzBt8hXZhHv3cUc9qu9NDCmcgRqRniKfgiUJj1ksi5k7", "bafybeiazclxljtrdr3ki6avkctwxccu4mkpjesfs7zu6kblz5kmdvxdmjq"},
		{"b5957", "QmSL5fWdiJoo3VShS8rBdXVCTbg48pJLY4PcekygUQTarb", "bafybeibn4xahonnebv363kisclqh74bami673j4s2uess7ocnliacnqrgq"},
		{"b5958", "QmSMh5pUfbQLBXHNQm16D2AHQkXtsY8XvGG1EiZepAUkgW", "bafybeid3ke3u6hsl3qjqvgq6eo2fgwiml7fzjk7ioeb2f2csjunw5ogygq"},
	}
	g := golden(t)
	for _, n := range notes {
		if got := g[n.name][ProfileV0].String(); got != n.v0 {
			t.Errorf("%s v0: golden %s, notes %s", n.name, got, n.v0)
		}
		if got := g[n.name][ProfileV1].String(); got != n.v1 {
			t.Errorf("%s v1: golden %s, notes %s", n.name, got, n.v1)
		}
	}
}

// TestShape checks, from the spec arithmetic rather than from kubo, that
// the boundary trees land on the intended side of the HAMT threshold and
// that the chunking cases have the intended leaf layout.
func TestShape(t *testing.T) {
	if testing.Short() {
		t.Skip("big trees in -short mode")
	}
	cases := []struct {
		tree, profile string
		hamt          bool
		links         int // for basic directories
		blockSize     int // for basic directories, 0 = unchecked
	}{
		{"b5957", ProfileV0, false, 5957, 0},
		{"b5958", ProfileV0, true, 0, 0},
		{"v1edge-basic", ProfileV1, false, 1065, 262144},
		{"v1edge-hamt", ProfileV1, true, 0, 0},
		{"bigdir", ProfileV1, true, 0, 0},
	}
	for _, c := range cases {
		bs, res := importFixture(t, c.tree, c.profile, false)
		fsn, raw, size := loadFSNode(t, bs, res.Root)
		if got := fsn.Type() == ft.THAMTShard; got != c.hamt {
			t.Errorf("%s %s: HAMT = %v, want %v", c.tree, c.profile, got, c.hamt)
			continue
		}
		if c.hamt {
			continue
		}
		if n := len(raw.Links()); n != c.links {
			t.Errorf("%s: %d links, want %d", c.tree, n, c.links)
		}
		if c.blockSize != 0 && size != c.blockSize {
			t.Errorf("%s: root block is %d B, want %d", c.tree, size, c.blockSize)
		}
	}
	// A 1 MiB file is one raw leaf in v1 and a 4-leaf dag-pb file in v0.
	for p, want := range map[string]uint64{ProfileV1: cid.Raw, ProfileV0: cid.DagProtobuf} {
		bs, res := importFixture(t, "chunk-1m", p, false)
		_, dir, _ := loadFSNode(t, bs, res.Root)
		if got := dir.Links()[0].Cid.Prefix().Codec; got != want {
			t.Errorf("chunk-1m %s: file codec %x, want %x", p, got, want)
		}
	}
}

// loadFSNode returns the UnixFS data of the dag-pb block c in bs, the
// decoded node and the block's size.
func loadFSNode(t *testing.T, bs blockstore.Blockstore, c cid.Cid) (*ft.FSNode, *merkledag.ProtoNode, int) {
	t.Helper()
	b, err := bs.Get(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	nd, err := merkledag.DecodeProtobuf(b.RawData())
	if err != nil {
		t.Fatal(err)
	}
	fsn, err := ft.FSNodeFromBytes(nd.Data())
	if err != nil {
		t.Fatal(err)
	}
	return fsn, nd, len(b.RawData())
}
