package gateway_test

import (
	"strings"
	"testing"
)

// spaFiles is a single-page app with a _redirects file (the IPFS
// _redirects spec: rewrites, redirects with placeholders and splats, a
// custom 404 page).
var spaFiles = map[string]string{
	"index.html": "<p>spa</p>",
	"404.html":   "<p>custom not found</p>",
	"_redirects": "/old/:id  /new/:id  301\n" +
		"/docs/*  https://docs.example.net/:splat  302\n" +
		"/app/*  /index.html  200\n" +
		"/*  /404.html  404\n",
	"new/7.html": "seven",
}

// TestRedirects serves a release with _redirects wherever it has an
// origin of its own (its release origin and its content origin), and
// checks that the path gateway ignores it, as kubo's does.
func TestRedirects(t *testing.T) {
	h := newHome(t, 72)
	h.init(t, h.key)
	content := h.publish(t, h.key, "spa@1.0.0", spaFiles)
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"} })
	origins := []string{
		"1-0-0.spa." + h.key.Name() + ".svc.example.com",
		content.String() + ".ipfs.example.com",
		content.String() + ".ipfs.localhost",
	}
	for _, host := range origins {
		for _, tt := range []struct {
			path     string
			code     int
			location string
			body     string
		}{
			{"/", 200, "", "<p>spa</p>"},
			{"/old/7", 301, "/new/7", ""},
			{"/docs/a/b", 302, "https://docs.example.net/a/b", ""},
			{"/app/deep/link?x=1", 200, "", "<p>spa</p>"},
			{"/nothing/here", 404, "", "custom not found"},
			{"/new/7.html", 200, "", "seven"},
		} {
			r := get(t, "GET", srv.URL+tt.path, nil, "Host", host)
			if r.code != tt.code || r.header.Get("Location") != tt.location || !strings.Contains(string(r.body), tt.body) {
				t.Errorf("%s%s: %d Location %q %.100q; want %d %q %q", host, tt.path, r.code, r.header.Get("Location"), r.body, tt.code, tt.location, tt.body)
			}
		}
	}
	// No origin of its own: _redirects is not applied.
	if r := get(t, "GET", srv.URL+"/svc/spa@1/app/x", nil); r.code != 404 || strings.Contains(string(r.body), "custom") {
		t.Errorf("path gateway applied _redirects: %d %.100q", r.code, r.body)
	}
}
