package gateway_test

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/browsertest"
	"github.com/svcreg/svcreg/registry/gateway"
)

// TestRoutingCORS checks the CORS headers of /routing/v1/ answers: any
// origin may read them (errors too) and is told so in a preflight, no
// origin may PUT a record.
func TestRoutingCORS(t *testing.T) {
	h := newHome(t, 24)
	head := h.init(t, h.key)
	srv := h.serve(t, nil)
	rec := srv.URL + "/routing/v1/ipns/" + h.key.Name()
	for _, tt := range []struct {
		desc, method, url string
		hdr               []string
		code              int
		acao              string
	}{
		{"record", "GET", rec, []string{"Accept", recordType, "Origin", "https://app.example"}, 200, "*"},
		{"record, HEAD", "HEAD", rec, []string{"Accept", recordType, "Origin", "https://app.example"}, 200, "*"},
		{"no record", "GET", srv.URL + "/routing/v1/ipns/" + seedKey(t, 25).Name(), []string{"Origin", "https://app.example"}, 404, "*"},
		{"providers", "GET", srv.URL + "/routing/v1/providers/" + head.Root.String(), []string{"Origin", "https://app.example"}, 200, "*"},
		{"record PUT", "PUT", rec, []string{"Content-Type", recordType, "Origin", "https://app.example"}, 200, ""},
		{"preflight", "OPTIONS", rec, []string{"Origin", "https://app.example", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "x-requested-with"}, 204, "*"},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			var body []byte
			if tt.method == "PUT" {
				body = head.Record
			}
			r := get(t, tt.method, tt.url, body, tt.hdr...)
			if r.code != tt.code || r.header.Get("Access-Control-Allow-Origin") != tt.acao {
				t.Fatalf("%d with Access-Control-Allow-Origin %q, want %d with %q: %.200q",
					r.code, r.header.Get("Access-Control-Allow-Origin"), tt.code, tt.acao, r.body)
			}
			switch tt.method {
			case "HEAD":
				if r.header.Get("Content-Type") != recordType || len(r.body) != 0 {
					t.Errorf("HEAD: %s with %d bytes, want the record's headers only", r.header.Get("Content-Type"), len(r.body))
				}
			case "OPTIONS":
				methods := r.header.Get("Access-Control-Allow-Methods")
				if !strings.Contains(methods, "GET") || strings.Contains(methods, "PUT") ||
					!strings.Contains(strings.ToLower(r.header.Get("Access-Control-Allow-Headers")), "x-requested-with") {
					t.Errorf("preflight allows methods %q, headers %q", methods, r.header.Get("Access-Control-Allow-Headers"))
				}
			}
		})
	}
}

// TestRoutingCORSInBrowser has a page of another origin (a second server
// on loopback) read the node's /routing/v1/ipns/ answers with fetch() in
// headless Chromium, as Helia's verified-fetch does to resolve ipns://:
// a plain GET, one that needs a preflight and a 404 are readable; a PUT
// of a record is stopped by the browser before it reaches the node.
func TestRoutingCORSInBrowser(t *testing.T) {
	h := newHome(t, 26)
	head := h.init(t, h.key)
	gw, err := gateway.New(gateway.Config{Blocks: h.store, IndexPath: h.index, Registry: h.key.RegistryName(), Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]int{} // requests reaching the node, by method
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method]++
		mu.Unlock()
		gw.ServeHTTP(w, r)
	}))
	t.Cleanup(node.Close)

	page := fmt.Sprintf(corsPage, node.URL, h.key.Name(), seedKey(t, 27).Name())
	var got map[string]struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Hex    string `json:"hex"`
		Error  string `json:"error"`
	}
	browsertest.RunPage(t, page, &got)
	for k, r := range got {
		t.Logf("page saw %s: status %d %s, %d bytes, error %q", k, r.Status, r.Type, len(r.Hex)/2, r.Error)
	}
	want := hex.EncodeToString(head.Record)
	for _, k := range []string{"record", "preflighted"} {
		if r := got[k]; r.Status != 200 || r.Type != recordType || r.Hex != want {
			t.Errorf("%s: the page could not read the record: %+v", k, r)
		}
	}
	if r := got["missing"]; r.Status != 404 {
		t.Errorf("missing: the page could not read the 404: %+v", r)
	}
	if r := got["put"]; r.Error == "" {
		t.Errorf("put: the page could send a record: %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if seen["PUT"] != 0 || seen["OPTIONS"] == 0 {
		t.Errorf("requests at the node %v: want preflights and no PUT", seen)
	}
}

// corsPage fetches from the node (%[1]s) the record of %[2]s, with and
// without a preflight, the missing record of %[3]s, and tries a PUT; it
// posts what it could read to /done.
const corsPage = `<!DOCTYPE html><meta charset="utf-8"><title>cors</title><p id="state">running</p>
<script>
const node = %[1]q, accept = 'application/vnd.ipfs.ipns-record';
async function probe(url, init) {
  try {
    const r = await fetch(url, init);
    const b = new Uint8Array(await r.arrayBuffer());
    return {status: r.status, type: r.headers.get('content-type') || '', hex: Array.from(b, x => x.toString(16).padStart(2, '0')).join('')};
  } catch (e) {
    return {error: String(e)};
  }
}
(async () => {
  const out = {};
  out.record = await probe(node + '/routing/v1/ipns/%[2]s', {headers: {Accept: accept}});
  out.preflighted = await probe(node + '/routing/v1/ipns/%[2]s', {headers: {Accept: accept, 'X-Requested-With': 'svcreg-test'}});
  out.missing = await probe(node + '/routing/v1/ipns/%[3]s', {headers: {Accept: accept}});
  out.put = await probe(node + '/routing/v1/ipns/%[2]s', {method: 'PUT', headers: {'Content-Type': accept}, body: new Uint8Array([1, 2, 3])});
  await fetch('/done', {method: 'POST', body: JSON.stringify(out)});
})();
</script>
<script src="/wait.js"></script>
`
