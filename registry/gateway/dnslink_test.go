package gateway_test

import (
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/dnstest"
	"github.com/svcreg/svcreg/registry/dnslink"
)

// TestDNSLink serves DNSLink names answered by a real DNS server on
// loopback: /ipns/<domain>/ and Host: <domain>, to content and to the
// registry's verified record, with _redirects on the DNSLink origin.
func TestDNSLink(t *testing.T) {
	h := newHome(t, 73)
	h.init(t, h.key)
	spa := h.publish(t, h.key, "spa@1.0.0", spaFiles)
	dns := dnstest.Start(t)
	dns.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/"+h.key.Name())
	dns.SetTXT("_dnslink.spa.example.com", "dnslink=/ipfs/"+spa.String())
	dns.SetTXT("_dnslink.docs.example.com", "dnslink=/ipns/registry.example.com/services/spa/versions/1.0.0/content")
	r, err := dnslink.New(dnslink.Config{Server: dns.Addr, NSMap: "mapped.test:/ipfs/" + spa.String()})
	if err != nil {
		t.Fatal(err)
	}
	srv := h.serve(t, func(c *cfgT) { c.DNSLink = r; c.SubdomainHosts = []string{"gw.test"} })
	for _, tt := range []struct {
		desc, host, path string
		code             int
		body, location   string
	}{
		{"path, to the registry", "", "/ipns/registry.example.com/services/spa/versions/1.0.0/content/", 200, "<p>spa</p>", ""},
		{"path, to content", "", "/ipns/spa.example.com/new/7.html", 200, "seven", ""},
		{"path, link with a subpath", "", "/ipns/docs.example.com/", 200, "<p>spa</p>", ""},
		{"path, from the ns map", "", "/ipns/mapped.test/", 200, "<p>spa</p>", ""},
		{"path, no record", "", "/ipns/none.example.com/", 404, "", ""},
		{"host", "spa.example.com", "/", 200, "<p>spa</p>", ""},
		{"host, _redirects rewrite", "spa.example.com", "/app/x", 200, "<p>spa</p>", ""},
		{"host, _redirects 404 page", "spa.example.com:8080", "/nothing", 404, "custom not found", ""},
		{"host, /svc/ belongs to the site", "spa.example.com", "/svc/spa@1/", 404, "custom not found", ""},
		{"host via the registry", "docs.example.com", "/new/7.html", 200, "seven", ""},
		{"subdomain gateway inlines the domain", "gw.test", "/ipns/spa.example.com/", 301, "", "http://spa-example-com.ipns.gw.test/"},
		{"inlined domain served", "spa-example-com.ipns.gw.test", "/new/7.html", 200, "seven", ""},
		{"no record: a path gateway", "other.example.com", "/svc/spa@1/", 200, "<p>spa</p>", ""},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			var hdr []string
			if tt.host != "" {
				hdr = []string{"Host", tt.host}
			}
			res := get(t, "GET", srv.URL+tt.path, nil, hdr...)
			if res.code != tt.code || !strings.Contains(string(res.body), tt.body) || res.header.Get("Location") != tt.location {
				t.Fatalf("%d Location %q %.200q; want %d %q %q", res.code, res.header.Get("Location"), res.body, tt.code, tt.location, tt.body)
			}
		})
	}
}
