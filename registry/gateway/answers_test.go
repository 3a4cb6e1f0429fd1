package gateway_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcreg/svcreg/registry/gateway"
)

// TestAnswersReplayed: a plain GET of an /ipfs/ path to a small file is
// answered, from the second request on, by replaying boxo's first answer
// (answers.go): the same status, headers and body; requests of any other
// shape are boxo's; and boxo's response counters count the replays.
func TestAnswersReplayed(t *testing.T) {
	h := newHome(t, 93)
	h.init(t, h.key)
	files := maps.Clone(sayFiles)
	files["big.txt"] = strings.Repeat("big ", 20<<10) // 80 KiB: one block, too large to replay
	root := h.publish(t, h.key, "say@1.0.0", files)
	reg := prometheus.NewRegistry()
	srv := h.serve(t, func(c *gateway.Config) { c.Metrics = reg })
	s := srv.Config.Handler.(*gateway.Server)
	plain := [][]string{nil, {"Accept", "*/*", "User-Agent", "curl/8.5.0"}}
	gets := 0
	for _, p := range []string{"/index.html", "/style.css", "/say.js", "/docs/a.txt", "/docs/b/c.txt"} {
		url := srv.URL + "/ipfs/" + root.String() + p
		for _, hdr := range plain {
			first := get(t, "GET", url, nil, hdr...)
			before := gateway.Replayed(s)
			for i := range 2 {
				again := get(t, "GET", url, nil, hdr...)
				sameAnswer(t, p, first, again)
				if got := gateway.Replayed(s); got != before+uint64(i)+1 {
					t.Fatalf("GET %s %v, request %d: %d answers replayed, want %d", p, hdr, i+2, got, before+uint64(i)+1)
				}
			}
			if first.code != http.StatusOK || string(first.body) != files[p[1:]] {
				t.Fatalf("GET %s: %d %q", p, first.code, first.body)
			}
			gets += 3
		}
		before := gateway.Replayed(s)
		for _, req := range [][]string{{"Range", "bytes=1-"}, {"Accept", "text/html"}, {"If-None-Match", `"x"`}, {"Origin", "https://example.com"}} {
			get(t, "GET", url, nil, req...)
			get(t, "HEAD", url, nil, req...)
		}
		get(t, "GET", url+"?format=raw", nil)
		get(t, "GET", url, nil, "Host", "localhost")
		if got := gateway.Replayed(s); got != before {
			t.Fatalf("GET %s: requests not of the plain shape replayed (%d)", p, got-before)
		}
	}
	// A file named by its own CID, a raw block.
	leaf, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(files["style.css"]))
	if err != nil {
		t.Fatal(err)
	}
	first := get(t, "GET", srv.URL+"/ipfs/"+leaf.String(), nil)
	before := gateway.Replayed(s)
	for range 2 {
		sameAnswer(t, "/ipfs/"+leaf.String(), first, get(t, "GET", srv.URL+"/ipfs/"+leaf.String(), nil))
	}
	if got := gateway.Replayed(s); first.code != http.StatusOK || string(first.body) != files["style.css"] || got != before+2 {
		t.Fatalf("GET /ipfs/%s: %d %q, %d of 2 answers replayed", leaf, first.code, first.body, got-before)
	}
	// A directory and a large file are boxo's every time.
	before = gateway.Replayed(s)
	for range 3 {
		if r := get(t, "GET", srv.URL+"/ipfs/"+root.String()+"/docs/", nil); r.code != http.StatusOK || !strings.Contains(string(r.body), "a.txt") {
			t.Fatalf("GET /docs/: %d %q", r.code, r.body)
		}
		if r := get(t, "GET", srv.URL+"/ipfs/"+root.String()+"/big.txt", nil); r.code != http.StatusOK || string(r.body) != files["big.txt"] {
			t.Fatalf("GET /big.txt: %d, %d bytes", r.code, len(r.body))
		}
	}
	if got := gateway.Replayed(s); got != before {
		t.Fatalf("a directory listing or a large file replayed (%d)", got-before)
	}
	if n := counterValue(t, reg, "ipfs_http_gw_responses_total", "code", "200"); n < float64(gets) {
		t.Fatalf("ipfs_http_gw_responses_total{code=200} %v, want at least the %d GETs of files", n, gets)
	}
	if n := counterValue(t, reg, "ipfs_http_gw_request_types", "type", ""); n < float64(gets) {
		t.Fatalf(`ipfs_http_gw_request_types{type=""} %v, want at least the %d GETs of files`, n, gets)
	}
}

// BenchmarkServeSmall's request goes the replay's way, and concurrent
// replays share the answer's headers without changing them.
func TestBenchRequestReplayed(t *testing.T) {
	s, root := smallFile(t)
	serve := func() *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/ipfs/"+root.String()+"/small.txt", nil))
		return w
	}
	first := serve()
	if first.Code != http.StatusOK || first.Body.Len() != 1024 {
		t.Fatalf("%d %d", first.Code, first.Body.Len())
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				w := serve()
				if w.Code != http.StatusOK || w.Body.Len() != 1024 || !maps.EqualFunc(w.Header(), first.Header(), slices.Equal[[]string]) {
					t.Errorf("%d %d %v; first %v", w.Code, w.Body.Len(), w.Header(), first.Header())
					return
				}
				w.Header().Add("Etag", "changed") // a later handler's edit stays in its own answer
			}
		})
	}
	wg.Wait()
	if n := gateway.Replayed(s); n != 40 {
		t.Fatalf("%d answers replayed, want 40", n)
	}
}

// sameAnswer fails t unless got is want: status, body and every header
// but Date.
func sameAnswer(t *testing.T, p string, want, got response) {
	t.Helper()
	wh, gh := want.header.Clone(), got.header.Clone()
	wh.Del("Date")
	gh.Del("Date")
	if got.code != want.code || string(got.body) != string(want.body) || !maps.EqualFunc(wh, gh, slices.Equal[[]string]) {
		t.Fatalf("GET %s: %d %v %q; first %d %v %q", p, got.code, gh, got.body, want.code, wh, want.body)
	}
}

// counterValue sums the counter name's series whose label is value.
func counterValue(t *testing.T, reg *prometheus.Registry, name, label, value string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == label && l.GetValue() == value {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}
