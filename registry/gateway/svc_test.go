package gateway_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func mustVersion(t *testing.T, s string) manifest.Version {
	t.Helper()
	v, err := manifest.ParseVersion(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSvc(t *testing.T) {
	h := newHome(t, 20)
	h.init(t, h.key)
	v100 := h.publish(t, h.key, "say@1.0.0", sayFiles)
	v110 := h.publish(t, h.key, "say@1.1.0", map[string]string{"index.html": "<p>1.1</p>", "style.css": "p{}", "sub/x.txt": "x"})
	v2 := h.publish(t, h.key, "say@2.0.0-rc.1", map[string]string{"index.html": "<p>2rc</p>"})
	h.update(t, h.key, func(reg *registry.Registry) {
		if _, _, err := reg.Tag(context.Background(), "say", mustVersion(t, "1.0.0"), "stable"); err != nil {
			t.Fatal(err)
		}
	})
	srv := h.serve(t, nil)
	etag := get(t, "GET", srv.URL+"/ipfs/"+v110.String()+"/style.css", nil).header.Get("Etag")
	if etag == "" {
		t.Fatal("no Etag on /ipfs/ responses")
	}
	tests := []struct {
		desc, path string
		hdr        []string
		code       int
		release    string // the Svcreg-Release header's version@cid, when served
		body       string
		location   string
	}{
		{"caret range", "/svc/say@^1/?say=hello%20w%C3%B6rld", nil, 200, "say@1.1.0 " + v110.String(), "<p>1.1</p>", ""},
		{"escaped caret", "/svc/say@%5E1/", nil, 200, "say@1.1.0 " + v110.String(), "<p>1.1</p>", ""},
		{"no range: highest stable", "/svc/say/", nil, 200, "say@1.1.0 " + v110.String(), "", ""},
		{"exact version", "/svc/say@1.0.0/style.css", nil, 200, "say@1.0.0 " + v100.String(), "color", ""},
		{"tag", "/svc/say@stable/say.js", nil, 200, "say@1.0.0 " + v100.String(), "URLSearchParams", ""},
		{"range with spaces", "/svc/say@%3E=1.0.0%20%3C1.1/", nil, 200, "say@1.0.0 " + v100.String(), "", ""},
		{"prerelease range", "/svc/say@^2.0.0-rc.0/", nil, 200, "say@2.0.0-rc.1 " + v2.String(), "<p>2rc</p>", ""},
		{"no slash: redirect keeps the query", "/svc/say@%5E1?say=a%20b&x=1", nil, 301, "", "", "/svc/say@%5E1/?say=a%20b&x=1"},
		{"subdirectory without slash", "/svc/say@%5E1/sub?x=1", nil, 301, "say@1.1.0 " + v110.String(), "", "/svc/say@%5E1/sub/?x=1"},
		{"subdirectory listing", "/svc/say@1.1.0/sub/", nil, 200, "say@1.1.0 " + v110.String(), "x.txt", ""},
		{"missing file", "/svc/say@1/nope.txt", nil, 404, "say@1.1.0 " + v110.String(), "", ""},
		{"unknown service", "/svc/nope@1/", nil, 404, "", "service not found", ""},
		{"no match", "/svc/say@^3/", nil, 404, "", "no version matches", ""},
		{"bad name", "/svc/Say@1/", nil, 400, "", "invalid service name", ""},
		{"bad spec", "/svc/say@%3E%3E1/", nil, 400, "", "neither a version range nor a tag", ""},
		{"revalidation", "/svc/say@^1/style.css", []string{"If-None-Match", etag}, 304, "say@1.1.0 " + v110.String(), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "GET", srv.URL+tt.path, nil, tt.hdr...)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %.300s", r.code, tt.code, r.body)
			}
			if got := r.header.Get("Svcreg-Release"); got != tt.release {
				t.Errorf("Svcreg-Release %q, want %q", got, tt.release)
			}
			if tt.release != "" && r.header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control %q, want no-cache", r.header.Get("Cache-Control"))
			}
			if !bytes.Contains(r.body, []byte(tt.body)) {
				t.Errorf("body lacks %q: %.300s", tt.body, r.body)
			}
			if got := r.header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
		})
	}
}

// TestSvcFollowsTheIndex publishes while the server runs: the next
// request resolves to the new release, and the publisher was not locked
// out by the server.
func TestSvcFollowsTheIndex(t *testing.T) {
	h := newHome(t, 21)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", map[string]string{"index.html": "one"})
	srv := h.serve(t, nil)
	for i, v := range []string{"1.0.1", "1.0.2", "1.1.0"} {
		if i > 0 {
			h.publish(t, h.key, "say@"+v, map[string]string{"index.html": v})
			if r := get(t, "GET", srv.URL+"/svc/say@^1/", nil); string(r.body) != v {
				t.Fatalf("after publishing %s: %q (%s)", v, r.body, r.header.Get("Svcreg-Release"))
			}
			continue
		}
		if r := get(t, "GET", srv.URL+"/svc/say@^1/", nil); string(r.body) != "one" {
			t.Fatalf("before: %q", r.body)
		}
	}
	if r := get(t, "GET", srv.URL+"/svc/say@~1.0.0/", nil); string(r.body) != "1.0.2" {
		t.Fatalf("~1.0.0: %q", r.body)
	}
}

func TestSvcWithoutRegistry(t *testing.T) {
	h := newHome(t, 22)
	h.init(t, h.key)
	srv := h.serve(t, func(c *cfgT) { c.Registry = ipnsrec.Name{} })
	r := get(t, "GET", srv.URL+"/svc/say/", nil)
	if r.code != 404 || !strings.Contains(string(r.body), "no registry") {
		t.Fatalf("%d %s", r.code, r.body)
	}
}

// TestSvcYankedTag opens a tag that points at a yanked version: 410 Gone
// with what the service's browse page says (the version, the reason) and
// where the version is still served, never a 500.
func TestSvcYankedTag(t *testing.T) {
	h := newHome(t, 23)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	h.publish(t, h.key, "say@1.1.0", map[string]string{"index.html": "<p>1.1</p>"})
	h.update(t, h.key, func(reg *registry.Registry) {
		ctx := context.Background()
		if _, _, err := reg.Tag(ctx, "say", mustVersion(t, "1.1.0"), "stable"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := reg.Yank(ctx, "say", mustVersion(t, "1.1.0"), "leaks the session cookie", false); err != nil {
			t.Fatal(err)
		}
	})
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"} })
	for _, host := range []string{"", "example.com"} { // a path gateway, and a subdomain one (no redirect)
		r := get(t, "GET", srv.URL+"/svc/say@stable/", nil, "Host", host)
		if r.code != http.StatusGone {
			t.Fatalf("Host %q: status %d, want 410: %.300s", host, r.code, r.body)
		}
		for _, want := range []string{"tag stable of say points at yanked 1.1.0", "leaks the session cookie",
			"/svc/say@1.1.0/", "/browse/" + h.key.Name() + "/say/"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("Host %q: body lacks %q:\n%s", host, want, r.body)
			}
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store: the tag may move", cc)
		}
	}
	// Named exactly, the yanked version is still served, as resolve does.
	if r := get(t, "GET", srv.URL+"/svc/say@1.1.0/", nil); r.code != 200 || string(r.body) != "<p>1.1</p>" {
		t.Fatalf("yanked version named exactly: %d %.100s", r.code, r.body)
	}
}
