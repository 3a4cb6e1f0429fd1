package gateway_test

import (
	"net/http"
	"testing"
)

// TestResolvedPathsAnswerAlike: a path answered from what it resolved to
// before gets the answer its first request got: status, body, roots,
// ETag, and ranges and HEADs of it too.
func TestResolvedPathsAnswerAlike(t *testing.T) {
	h := newHome(t, 92)
	h.init(t, h.key)
	root := h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, nil)
	for _, p := range []string{"/docs/b/c.txt", "/index.html", "/docs/", "/docs/b", "/nothing.txt"} {
		url := srv.URL + "/ipfs/" + root.String() + p
		for _, req := range [][]string{nil, {"Range", "bytes=1-"}, {"Range", "bytes=-1"}} {
			for _, m := range []string{"GET", "HEAD"} {
				first := get(t, m, url, nil, req...)
				for i := range 2 {
					again := get(t, m, url, nil, req...)
					if again.code != first.code || string(again.body) != string(first.body) {
						t.Fatalf("%s %s %v, request %d: %d %q; first %d %q", m, p, req, i+2, again.code, again.body, first.code, first.body)
					}
					for _, k := range []string{"X-Ipfs-Roots", "Etag", "Content-Length", "Content-Range", "Content-Type", "Location"} {
						if again.header.Get(k) != first.header.Get(k) {
							t.Fatalf("%s %s %v, request %d: %s %q; first %q", m, p, req, i+2, k, again.header.Get(k), first.header.Get(k))
						}
					}
				}
				if p == "/docs/b/c.txt" && m == "GET" && req == nil && (first.code != http.StatusOK || string(first.body) != sayFiles["docs/b/c.txt"]) {
					t.Fatalf("GET %s: %d %q", p, first.code, first.body)
				}
			}
		}
	}
}
