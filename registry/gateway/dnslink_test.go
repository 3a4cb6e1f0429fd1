package gateway_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestDNSLinkSilentDNS sends requests with a Host that is a domain while
// the DNS server never answers: the first ones wait for one lookup, which
// only its timeout can end, and are served as a path gateway; later ones
// are answered from the kept failure, without asking DNS again.
func TestDNSLinkSilentDNS(t *testing.T) {
	h := newHome(t, 78)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "hello"})
	dns := dnstest.StartSilent(t)
	r, err := dnslink.New(dnslink.Config{Server: dns.Addr, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := h.serve(t, func(c *cfgT) { c.DNSLink = r })
	path := "/ipfs/" + content.String() + "/index.html"
	endsWithin(t, "10 requests waiting for a silent DNS server", func() error {
		errs := make([]error, 10)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() {
				res, err := fetch("GET", srv.URL+path, nil, "Host", "stalled.example.com")
				if err == nil && (res.code != 200 || string(res.body) != "hello") {
					err = fmt.Errorf("first requests: %d %.100q", res.code, res.body)
				}
				errs[i] = err
			})
		}
		wg.Wait()
		return errors.Join(errs...)
	})
	asked := dns.Queries()
	if asked == 0 || asked > 4 {
		t.Errorf("10 concurrent requests asked DNS %d times, want one lookup's", asked)
	}
	for range 10 {
		if res := get(t, "GET", srv.URL+path, nil, "Host", "stalled.example.com:8080"); res.code != 200 || string(res.body) != "hello" {
			t.Errorf("later request: %d %.100q", res.code, res.body)
		}
	}
	if n := dns.Queries(); n != asked {
		t.Errorf("later requests asked DNS %d more times, want none", n-asked)
	}
}

// TestNoDNSLink: with NoDNSLink (svcreg serve --no-dnslink, kubo's
// Gateway.NoDNSLink) no Host is looked up, while /ipns/DOMAIN/ still
// resolves.
func TestNoDNSLink(t *testing.T) {
	h := newHome(t, 79)
	h.init(t, h.key)
	spa := h.publish(t, h.key, "spa@1.0.0", spaFiles)
	dns := dnstest.Start(t)
	dns.SetTXT("_dnslink.spa.example.com", "dnslink=/ipfs/"+spa.String())
	r, err := dnslink.New(dnslink.Config{Server: dns.Addr})
	if err != nil {
		t.Fatal(err)
	}
	srv := h.serve(t, func(c *cfgT) { c.DNSLink, c.NoDNSLink = r, true })
	if res := get(t, "GET", srv.URL+"/svc/spa@1/", nil, "Host", "spa.example.com"); res.code != 200 || dns.Queries() != 0 {
		t.Errorf("Host with a DNSLink record: %d, %d DNS questions; want a path gateway's 200 and none", res.code, dns.Queries())
	}
	if res := get(t, "GET", srv.URL+"/ipns/spa.example.com/", nil); res.code != 200 || !strings.Contains(string(res.body), "<p>spa</p>") {
		t.Errorf("/ipns/DOMAIN/: %d %.100q", res.code, res.body)
	}
}
