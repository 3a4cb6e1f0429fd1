package gateway_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/gateway"
)

func TestReleaseHost(t *testing.T) {
	const reg = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
	regName, err := ipnsrec.NameFromString(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		service, version, want string
	}{
		{"say", "1.2.0", "1-2-0.say." + reg + ".svc.example.com"},
		{"say", "2.0.0-rc.1", "2-0-0--rc-1.say." + reg + ".svc.example.com"},
		{"web.app", "10.0.3", "10-0-3.web.app." + reg + ".svc.example.com"},
		{"my-app", "1.0.0-0.3.7", "1-0-0--0-3-7.my-app." + reg + ".svc.example.com"},
		{"say", "1.0.0-rc-1", ""},  // '-' in the prerelease does not read back
		{"say", "1.0.0-RC.1", ""},  // DNS names are not case-sensitive
		{"say", "1.0.0+build", ""}, // build metadata
		{"a_b", "1.0.0", ""},       // '_' is not for host names
		{"x-", "1.0.0", ""},        // a label ends with '-'
		{strings.Repeat("a", 64), "1.0.0", ""},
	} {
		got, ok := gateway.ReleaseHost(manifest.Name(tt.service), manifest.MustParseVersion(tt.version), regName, "example.com")
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ReleaseHost(%s@%s) = %q %v, want %q", tt.service, tt.version, got, ok, tt.want)
		}
	}
}

// TestSubdomainHosts runs a server with --subdomain-host example.com and
// follows what a browser would.
func TestSubdomainHosts(t *testing.T) {
	h := newHome(t, 70)
	h.init(t, h.key)
	v100 := h.publish(t, h.key, "say@1.0.0", sayFiles)
	v110 := h.publish(t, h.key, "say@1.1.0", map[string]string{"index.html": "<p>1.1</p>", "style.css": "p{}"})
	h.publish(t, h.key, "a_b@1.0.0", map[string]string{"index.html": "ab"})
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com", "Gw.Test."} })
	reg := h.key.Name()
	rel110 := "1-1-0.say." + reg + ".svc.example.com"
	v0 := cid.NewCidV0(v100.Hash())
	// 39 bytes: 65 characters in base32, 62 in base36.
	long, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.IDENTITY}.Sum([]byte(strings.Repeat("x", 35)))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc, host, path string
		code             int
		location         string // prefix
		body             string
		release          string
	}{
		{"range redirects to the release origin", "example.com", "/svc/say@^1/style.css?x=1", 302, "http://" + rel110 + "/style.css?x=1", "", ""},
		{"port kept", "example.com:8080", "/svc/say@1.0.0/", 302, "http://1-0-0.say." + reg + ".svc.example.com:8080/", "", ""},
		{"second host, any case", "GW.test", "/svc/say/", 302, "http://1-1-0.say." + reg + ".svc.gw.test/", "", ""},
		{"no release name: content origin", "example.com", "/svc/a_b@1/x", 302, "http://example.com/ipfs/", "", ""},
		{"release origin", rel110, "/style.css", 200, "", "p{}", "say@1.1.0 " + v110.String()},
		{"release origin index", rel110, "/", 200, "", "<p>1.1</p>", "say@1.1.0 " + v110.String()},
		{"release origin, dot segments", rel110, "/../../ipfs/" + v100.String() + "/", 400, "", "", ""},
		{"release origin, escaped dots", rel110, "/%2e%2e/ipfs/" + v100.String() + "/", 400, "", "", ""},
		{"unknown version", "9-9-9.say." + reg + ".svc.example.com", "/", 404, "", "", ""},
		{"other registry", "1-1-0.say.k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8.svc.example.com", "/", 404, "", "", ""},
		{"bad version label", "x.say." + reg + ".svc.example.com", "/", 400, "", "", ""},
		{"path request redirects", "example.com", "/ipfs/" + v100.String() + "/say.js", 301, "http://" + v100.String() + ".ipfs.example.com/say.js", "", ""},
		{"CIDv0 converted", "example.com", "/ipfs/" + v0.String() + "/", 301, "http://" + cid.NewCidV1(cid.DagProtobuf, v100.Hash()).String() + ".ipfs.example.com/", "", ""},
		{"long CID in base36", "example.com", "/ipfs/" + long.String(), 301, "http://" + mustBase36(t, long) + ".ipfs.example.com", "", ""},
		{"ipns name", "example.com", "/ipns/" + reg + "/", 301, "http://" + reg + ".ipns.example.com/", "", ""},
		{"content origin", v100.String() + ".ipfs.example.com", "/say.js", 200, "", "URLSearchParams", ""},
		{"path gateway unchanged", "127.0.0.1", "/svc/say@^1/style.css", 200, "", "p{}", "say@1.1.0 " + v110.String()},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "GET", srv.URL+tt.path, nil, "Host", tt.host)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %.300s", r.code, tt.code, r.body)
			}
			if loc := r.header.Get("Location"); !strings.HasPrefix(loc, tt.location) || (tt.location == "") != (loc == "") {
				t.Errorf("Location %q, want %q…", loc, tt.location)
			}
			if !strings.Contains(string(r.body), tt.body) {
				t.Errorf("body lacks %q: %.300s", tt.body, r.body)
			}
			if got := r.header.Get("Svcreg-Release"); got != tt.release {
				t.Errorf("Svcreg-Release %q, want %q", got, tt.release)
			}
		})
	}
}

func mustBase36(t *testing.T, c cid.Cid) string {
	t.Helper()
	s, err := c.StringOfBase('k')
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSubdomainDotSegments asks a content origin for another root's
// files through dot segments.
func TestSubdomainDotSegments(t *testing.T) {
	h := newHome(t, 71)
	h.init(t, h.key)
	a := h.importFiles(t, map[string]string{"index.html": "a"})
	other := h.importFiles(t, map[string]string{"index.html": "secret"})
	dl, err := dnslink.New(dnslink.Config{NSMap: "site.example.org:/ipfs/" + a.String()})
	if err != nil {
		t.Fatal(err)
	}
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"}; c.DNSLink = dl })
	for _, host := range []string{a.String() + ".ipfs.example.com", a.String() + ".ipfs.localhost", "site.example.org"} {
		if r := rawGetHost(t, srv.URL, host, "/"); r.code != 200 || string(r.body) != "a" {
			t.Fatalf("%s/: %d %q", host, r.code, r.body)
		}
		for _, p := range []string{"/../../ipfs/" + other.String() + "/index.html", "/%2e%2e/%2e%2e/ipfs/" + other.String() + "/index.html"} {
			r := rawGetHost(t, srv.URL, host, p)
			if strings.Contains(string(r.body), "secret") || r.code == 200 {
				t.Errorf("%s%s: %d %.200s", host, p, r.code, r.body)
			}
		}
	}
}

// TestProxyTunnel uses the server as an HTTP proxy, as the conformance
// suite does: CONNECT to it answers 200, and the requests sent through
// the tunnel are served with their own Host.
func TestProxyTunnel(t *testing.T) {
	h := newHome(t, 78)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "tunnelled"})
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"} })
	u, _ := url.Parse(srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host, u.Host)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("CONNECT: %v %v", resp, err)
	}
	fmt.Fprintf(conn, "GET / HTTP/1.1\r\nHost: %s.ipfs.example.com\r\n\r\n", content)
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "tunnelled" {
		t.Fatalf("through the tunnel: %d %q", resp.StatusCode, b)
	}
}

// TestIdentityCID serves a block whose CID holds it (identity multihash),
// which is in no block store.
func TestIdentityCID(t *testing.T) {
	h := newHome(t, 79)
	srv := h.serve(t, nil)
	c, err := cid.V1Builder{Codec: cid.Raw, MhType: mh.IDENTITY}.Sum([]byte("inline"))
	if err != nil {
		t.Fatal(err)
	}
	if r := get(t, "GET", srv.URL+"/ipfs/"+c.String()+"?format=raw", nil); r.code != 200 || string(r.body) != "inline" {
		t.Fatalf("%d %q", r.code, r.body)
	}
}
