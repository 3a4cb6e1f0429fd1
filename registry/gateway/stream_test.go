package gateway_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	ipld "github.com/ipfs/go-ipld-format"

	"github.com/svcreg/svcreg/registry/gateway"
)

// storeBombs stores two DAGs that expand to 1 TiB: a directory that links
// the same child twice at each of 40 levels above a one-byte file (41
// blocks), and a file whose nodes link the same child twice at each of 22
// levels above a 256 KiB leaf (23 blocks). It returns their roots.
func (h *home) storeBombs(t *testing.T) (dir, file ipld.Node) {
	t.Helper()
	ctx := context.Background()
	dag := merkledag.NewDAGService(blockservice.New(h.store.Blockstore(), nil))
	add := func(n ipld.Node) ipld.Node {
		if err := dag.Add(ctx, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	dir = add(merkledag.NewRawNode([]byte("x")))
	for range 40 {
		d := ft.EmptyDirNode()
		d.AddNodeLink("a", dir)
		d.AddNodeLink("b", dir)
		dir = add(d)
	}
	file = add(merkledag.NewRawNode(bytes.Repeat([]byte("y"), 256<<10)))
	size := uint64(256 << 10)
	for range 22 {
		fsn := ft.NewFSNode(ft.TFile)
		fsn.AddBlockSize(size)
		fsn.AddBlockSize(size)
		data, err := fsn.GetBytes()
		if err != nil {
			t.Fatal(err)
		}
		n := merkledag.NodeWithData(data)
		n.AddNodeLink("", file)
		n.AddNodeLink("", file)
		file, size = add(n), 2*size
	}
	return dir, file
}

// TestResponseCap: a tar of a directory bomb and the bytes of a file bomb,
// each 1 TiB from a few KB of blocks, stop at the server's
// MaxResponseSize with the connection aborted, so the client sees a
// truncated body rather than a complete one; a release within the cap is
// served whole.
func TestResponseCap(t *testing.T) {
	h := newHome(t, 7)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", sayFiles)
	dir, file := h.storeBombs(t)
	const max = 1 << 20
	srv := h.serve(t, func(c *gateway.Config) { c.MaxResponseSize = max })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fetch := func(path string) (int64, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return io.Copy(io.Discard, io.LimitReader(resp.Body, 32<<20))
	}
	for _, path := range []string{"/ipfs/" + dir.Cid().String() + "?format=tar", "/ipfs/" + file.Cid().String()} {
		n, err := fetch(path)
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			t.Fatalf("GET %s: still streaming after 30 s (%d bytes)", path, n)
		case n > max:
			t.Fatalf("GET %s: streamed %d bytes, over the server's limit of %d", path, n, max)
		case err == nil:
			t.Fatalf("GET %s: a body of %d bytes that ends cleanly: the client cannot tell it was cut", path, n)
		}
		t.Logf("GET %s: %d bytes, then %v", path, n, err)
	}

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ipfs/"+root.String()+"?format=tar", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	tr, files := tar.NewReader(resp.Body), 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("tar of a small release: %v", err)
		}
		if hdr.Typeflag == tar.TypeReg {
			files++
		}
	}
	if files != len(sayFiles) {
		t.Fatalf("tar of a small release holds %d files, want %d", files, len(sayFiles))
	}
}
