package gateway_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"

	"github.com/svcreg/svcreg/registry/gateway"
)

func TestServeContent(t *testing.T) {
	h := newHome(t, 1)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)
	ipfs := srv.URL + "/ipfs/" + root.String()
	tests := []struct {
		desc, url   string
		code        int
		contentType string
		body        string // a substring of the body
		location    string
	}{
		{"index.html of the root", ipfs + "/", 200, "text/html", `<h1 id="text">`, ""},
		{"query strings are the page's", ipfs + "/?say=hello%20w%C3%B6rld", 200, "text/html", `<h1 id="text">`, ""},
		{"directory without slash", ipfs, 301, "", "", "/ipfs/" + root.String() + "/"},
		{"a file", ipfs + "/style.css", 200, "text/css", "color: #222", ""},
		{"a script", ipfs + "/say.js", 200, "text/javascript", "URLSearchParams", ""},
		{"listing without index.html", ipfs + "/docs/", 200, "text/html", "a.txt", ""},
		{"nested file", ipfs + "/docs/b/c.txt", 200, "text/plain", "c\n", ""},
		{"missing file", ipfs + "/nope.txt", 404, "", "", ""},
		{"bad cid", srv.URL + "/ipfs/bafynotacid/", 400, "", "", ""},
		{"raw block", ipfs + "?format=raw", 200, "application/vnd.ipld.raw", "", ""},
		{"car", ipfs + "?format=car", 200, "application/vnd.ipld.car", "", ""},
		{"tar", ipfs + "?format=tar", 200, "application/x-tar", "", ""},
		{"root page", srv.URL + "/", 200, "text/html", h.key.Name(), ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "GET", tt.url, nil)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tt.contentType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.contentType)
			}
			if !bytes.Contains(r.body, []byte(tt.body)) {
				t.Errorf("body lacks %q:\n%s", tt.body, r.body)
			}
			if loc := r.header.Get("Location"); loc != tt.location {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
		})
	}
	if cc := get(t, "GET", ipfs+"/style.css", nil).header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("/ipfs/ Cache-Control %q, want immutable", cc)
	}
}

// TestTrustlessResponses checks what a client that trusts nothing but the
// CID checks: raw blocks hash to their CID and a CAR holds a verifiable
// DAG rooted at the CID.
func TestTrustlessResponses(t *testing.T) {
	h := newHome(t, 2)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)

	raw := get(t, "GET", srv.URL+"/ipfs/"+root.String(), nil, "Accept", "application/vnd.ipld.raw")
	if raw.code != 200 {
		t.Fatalf("raw: %d %s", raw.code, raw.body)
	}
	if got, err := root.Prefix().Sum(raw.body); err != nil || !got.Equals(root) {
		t.Fatalf("raw block hashes to %s, want %s (%v)", got, root, err)
	}

	car := get(t, "GET", srv.URL+"/ipfs/"+root.String()+"?format=car", nil)
	if car.code != 200 {
		t.Fatalf("car: %d %s", car.code, car.body)
	}
	br, err := carv2.NewBlockReader(bytes.NewReader(car.body))
	if err != nil {
		t.Fatal(err)
	}
	if len(br.Roots) != 1 || !br.Roots[0].Equals(root) {
		t.Fatalf("CAR roots %v, want [%s]", br.Roots, root)
	}
	n := 0
	for {
		blk, err := br.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if got, err := blk.Cid().Prefix().Sum(blk.RawData()); err != nil || !got.Equals(blk.Cid()) {
			t.Fatalf("CAR block %s does not hash to its CID", blk.Cid())
		}
		n++
	}
	if n < len(sayFiles)+3 { // files, plus the root, docs/ and docs/b/ directories
		t.Fatalf("CAR holds %d blocks, want at least %d", n, len(sayFiles)+3)
	}
}

// TestCorruptBlockNotServed checks that a block whose bytes rotted on disk
// is refused, not served: the store moves it into quarantine on the read
// that finds it corrupt, so the request fails (500 or, once the block is
// gone, 404) and never carries the content. The file's answer is
// replayed (answers.go) before the corruption, and the replay reads the
// block again: it must refuse it too.
func TestCorruptBlockNotServed(t *testing.T) {
	h := newHome(t, 3)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", map[string]string{"index.html": "<p>intact</p>"})
	srv := h.serve(t, nil)
	url := srv.URL + "/ipfs/" + root.String() + "/index.html"
	for range 2 {
		if r := get(t, "GET", url, nil); r.code != 200 {
			t.Fatalf("before: %d", r.code)
		}
	}
	s := srv.Config.Handler.(*gateway.Server)
	if n := gateway.Replayed(s); n != 1 {
		t.Fatalf("before: %d answers replayed, want 1", n)
	}
	leaf := get(t, "GET", srv.URL+"/ipfs/"+root.String()+"/index.html?format=raw", nil)
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(leaf.body)
	if err != nil {
		t.Fatal(err)
	}
	flipBit(t, h, c) // the server's read, not the test's, is the first to find it
	for i := range 2 {
		r := get(t, "GET", url, nil)
		if (r.code != http.StatusInternalServerError && r.code != http.StatusNotFound) || bytes.Contains(r.body, []byte("intact")) {
			t.Fatalf("corrupt block, request %d: status %d, body %q; want 500 or 404 without the content", i, r.code, r.body)
		}
	}
	if n := gateway.Replayed(s); n != 1 {
		t.Fatalf("a corrupt block's answer replayed (%d)", n-1)
	}
	if has, err := h.store.Has(context.Background(), c); has || err != nil {
		t.Fatalf("the corrupt block is still in the store: %v, %v", has, err)
	}
}

// corrupt flips a bit of c's file in the home's block store and checks
// that the store refuses it.
func corrupt(t *testing.T, h *home, c cid.Cid) {
	t.Helper()
	flipBit(t, h, c)
	if _, err := h.store.Get(context.Background(), c); err == nil {
		t.Fatal("the store still reads the corrupted block")
	}
}

// flipBit flips a bit of c's file in the home's block store. The file is
// replaced (a new inode), so that the store sees another version of it
// even within one tick of the file system's clock.
func flipBit(t *testing.T, h *home, c cid.Cid) {
	t.Helper()
	key := dshelp.MultihashToDsKey(c.Hash()).String()[1:]
	p := filepath.Join(h.dir, "blocks", key[len(key)-3:len(key)-1], key+".data")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p+".rot", b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p+".rot", p); err != nil {
		t.Fatal(err)
	}
}

func TestSubdomainGateway(t *testing.T) {
	h := newHome(t, 4)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	r := get(t, "GET", srv.URL+"/ipfs/"+root.String()+"/?say=hi", nil, "Host", "localhost:"+port)
	want := "http://" + root.String() + ".ipfs.localhost:" + port + "/?say=hi"
	if r.code != 301 || r.header.Get("Location") != want {
		t.Fatalf("localhost: %d Location %q, want 301 %q", r.code, r.header.Get("Location"), want)
	}
	r = get(t, "GET", srv.URL+"/style.css", nil, "Host", root.String()+".ipfs.localhost:"+port)
	if r.code != 200 || !bytes.Contains(r.body, []byte("color")) {
		t.Fatalf("subdomain: %d %s", r.code, r.body)
	}
	// On a content origin every path is content, /svc/ included.
	if r = get(t, "GET", srv.URL+"/svc/say@1/", nil, "Host", root.String()+".ipfs.localhost:"+port); r.code != 404 {
		t.Fatalf("/svc/ on a subdomain: %d, want 404 (no such file)", r.code)
	}
	r = get(t, "GET", srv.URL+"/services/say/versions/1.0.0/content/", nil, "Host", h.key.Name()+".ipns.localhost:"+port)
	if r.code != 200 || !bytes.Contains(r.body, []byte(`id="text"`)) {
		t.Fatalf("ipns subdomain: %d %s", r.code, r.body)
	}
}

func TestGatewayIsReadOnly(t *testing.T) {
	h := newHome(t, 5)
	h.init(t, h.key)
	srv := h.serve(t, nil)
	for _, m := range []string{"POST", "PUT", "DELETE"} {
		if r := get(t, m, srv.URL+"/ipfs/bafkqaaa", []byte("x")); r.code != http.StatusMethodNotAllowed {
			t.Errorf("%s /ipfs/: %d, want 405", m, r.code)
		}
	}
}
