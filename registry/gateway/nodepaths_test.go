package gateway_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry/dnslink"
)

// TestNodePathsOwnHost gives the server node paths (as svcreg serve does
// with /healthz and /metrics): they answer on the node's own hosts, and a
// release's, a root's or a DNSLink site's files of those names are served
// on their origins, as are a release's /browse/ files.
func TestNodePathsOwnHost(t *testing.T) {
	h := newHome(t, 92)
	h.init(t, h.key)
	files := map[string]string{"index.html": "app", "healthz": "app healthz", "metrics": "app metrics", "browse/index.html": "app browse"}
	root := h.publish(t, h.key, "app@1.0.0", files)
	dl, err := dnslink.New(dnslink.Config{NSMap: "site.example.org:/ipfs/" + root.String()})
	if err != nil {
		t.Fatal(err)
	}
	node := func(body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) })
	}
	srv := h.serve(t, func(c *cfgT) {
		c.DNSLink = dl
		c.NodePaths = map[string]http.Handler{"/healthz": node("node healthz"), "/metrics": node("node metrics")}
	})
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port} {
		for _, p := range []string{"healthz", "metrics"} {
			if r := get(t, "GET", srv.URL+"/"+p, nil, "Host", host); r.code != 200 || string(r.body) != "node "+p {
				t.Errorf("%s/%s: %d %q, want the node's", host, p, r.code, r.body)
			}
		}
	}
	for _, host := range []string{"1-0-0.app." + h.key.Name() + ".svc.localhost:" + port, root.String() + ".ipfs.localhost:" + port, "site.example.org"} {
		for _, p := range []string{"healthz", "metrics", "browse/"} {
			want := "app " + strings.TrimSuffix(p, "/")
			if r := get(t, "GET", srv.URL+"/"+p, nil, "Host", host); r.code != 200 || string(r.body) != want {
				t.Errorf("%s/%s: %d %.100q, want the release's %q", host, p, r.code, r.body, want)
			}
		}
	}
}
