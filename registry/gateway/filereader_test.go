package gateway_test

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	format "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// fileDAG builds and stores a UnixFS file of every shape a file reader
// meets: an inner node under the root, dag-pb and raw leaves, a leaf
// larger than the 1 MiB a reader's buffer starts with, an empty leaf and
// an identity leaf. It returns the root and the file's bytes.
func fileDAG(t *testing.T, h *home) (cid.Cid, []byte) {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	chunk := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	}
	put := func(nd format.Node) {
		if err := h.store.Put(ctx, nd.Cid(), nd.RawData()); err != nil {
			t.Fatal(err)
		}
	}
	var file []byte
	// node links children, each a leaf of its bytes or an inner node.
	var node func(children ...any) (format.Node, uint64)
	node = func(children ...any) (format.Node, uint64) {
		fsn := unixfs.NewFSNode(unixfs.TFile)
		nd := merkledag.NodeWithData(nil)
		if err := nd.SetCidBuilder(cid.V1Builder{Codec: cid.DagProtobuf, MhType: mh.SHA2_256}); err != nil {
			t.Fatal(err)
		}
		for _, ch := range children {
			var child format.Node
			var size uint64
			switch ch := ch.(type) {
			case []byte: // a raw leaf
				raw, err := merkledag.NewRawNodeWPrefix(ch, cid.V1Builder{Codec: cid.Raw, MhType: mh.SHA2_256})
				if err != nil {
					t.Fatal(err)
				}
				child, size = raw, uint64(len(ch))
				file = append(file, ch...)
			case string: // a dag-pb leaf
				leaf := unixfs.NewFSNode(unixfs.TFile)
				leaf.SetData([]byte(ch))
				b, err := leaf.GetBytes()
				if err != nil {
					t.Fatal(err)
				}
				child, size = merkledag.NodeWithData(b), uint64(len(ch))
				file = append(file, ch...)
			case cid.Cid: // an identity leaf
				raw, err := merkledag.NewRawNodeWPrefix([]byte("id!"), cid.V1Builder{Codec: cid.Raw, MhType: mh.IDENTITY})
				if err != nil {
					t.Fatal(err)
				}
				child, size = raw, 3
				file = append(file, "id!"...)
			case func() (format.Node, uint64):
				child, size = ch()
			}
			if child.Cid().Prefix().MhType != mh.IDENTITY {
				put(child)
			}
			if err := nd.AddNodeLink("", child); err != nil {
				t.Fatal(err)
			}
			fsn.AddBlockSize(size)
		}
		b, err := fsn.GetBytes()
		if err != nil {
			t.Fatal(err)
		}
		nd.SetData(b)
		put(nd)
		return nd, fsn.FileSize()
	}
	root, _ := node(
		chunk(1000),
		func() (format.Node, uint64) { return node("a dag-pb leaf", chunk(3<<20/2), []byte{}, cid.Undef) },
		chunk(300<<10),
		"the end",
	)
	return root.Cid(), file
}

// TestServeWholeFile: a file of many blocks is served whole, the same
// bytes to many clients at once (each reader reuses a buffer), by its CID
// and by a path.
func TestServeWholeFile(t *testing.T) {
	h := newHome(t, 93)
	root, file := fileDAG(t, h)
	srv := h.serve(t, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			resp, err := http.Get(srv.URL + "/ipfs/" + root.String() + "?i=" + string(rune('a'+i)))
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, file) {
				t.Errorf("client %d: %d, %d bytes of %d, equal %v, %v", i, resp.StatusCode, len(body), len(file), bytes.Equal(body, file), err)
			}
		})
	}
	wg.Wait()
}

// TestCorruptLeafNotServed: a leaf that rots after the file was served
// is refused on the next request: the response ends short (the client
// sees an error, never the whole file) and the block is quarantined.
func TestCorruptLeafNotServed(t *testing.T) {
	h := newHome(t, 94)
	root, file := fileDAG(t, h)
	srv := h.serve(t, nil)
	url := srv.URL + "/ipfs/" + root.String()
	if r := get(t, "GET", url, nil); r.code != 200 || !bytes.Equal(r.body, file) {
		t.Fatalf("before: %d, %d bytes", r.code, len(r.body))
	}
	leaf, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.SHA2_256}.Sum(file[len(file)-7-300<<10 : len(file)-7])
	if err != nil {
		t.Fatal(err)
	}
	corrupt(t, h, leaf)
	resp, err := http.Get(url)
	if err == nil {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr == nil && resp.StatusCode == 200 {
			t.Fatalf("corrupt leaf: 200 and %d bytes without an error", len(body))
		}
		if bytes.Equal(body, file) {
			t.Fatal("corrupt leaf: the whole file was served")
		}
	}
	if has, err := h.store.Has(context.Background(), leaf); has || err != nil {
		t.Fatalf("the corrupt leaf is still in the store: %v, %v", has, err)
	}
}
