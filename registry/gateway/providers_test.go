package gateway_test

import (
	"crypto/rand"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/ipns"
)

func TestProviderAddr(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:8080":   "/ip4/127.0.0.1/tcp/8080/http",
		"http://127.0.0.1:8080/":  "/ip4/127.0.0.1/tcp/8080/http",
		"https://reg.example":     "/dns/reg.example/tcp/443/https",
		"http://reg.example":      "/dns/reg.example/tcp/80/http",
		"http://[::1]:9000":       "/ip6/::1/tcp/9000/http",
		"https://reg.example:444": "/dns/reg.example/tcp/444/https",
	} {
		u, _ := url.Parse(in)
		got, err := gateway.ProviderAddr(u)
		if err != nil || got.String() != want {
			t.Errorf("ProviderAddr(%s) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"ftp://x", "http://x/sub/path", "http://x/?q=1"} {
		u, _ := url.Parse(in)
		if a, err := gateway.ProviderAddr(u); err == nil {
			t.Errorf("ProviderAddr(%s) = %v, want an error", in, a)
		}
	}
}

type providersAnswer struct {
	Providers []struct {
		Schema    string
		ID        string
		Addrs     []string
		Protocols []string
	}
}

// TestProviders: the server names itself as the provider of the blocks it
// holds, in JSON and NDJSON, honours the spec's filters, answers nothing
// for other blocks, and knows its own peer ID.
func TestProviders(t *testing.T) {
	h := newHome(t, 1)
	h.init(t, h.key)
	c := h.publish(t, h.key, "say@1.0.0", map[string]string{"index.html": "<p>hi</p>"})
	nk, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(nk.PrivKey())
	if err != nil {
		t.Fatal(err)
	}
	addr := ma.StringCast("/ip4/127.0.0.1/tcp/8080/http")
	srv := h.serve(t, func(cfg *gateway.Config) { cfg.Provider = &gateway.Provider{ID: id, Addrs: []ma.Multiaddr{addr}} })

	r := get(t, "GET", srv.URL+"/routing/v1/providers/"+c.String(), nil, "Accept", "application/json")
	var ans providersAnswer
	if err := json.Unmarshal(r.body, &ans); r.code != 200 || err != nil || len(ans.Providers) != 1 {
		t.Fatalf("providers of a held block: %d %s (%v)", r.code, r.body, err)
	}
	p := ans.Providers[0]
	if p.Schema != "peer" || p.ID != id.String() || len(p.Addrs) != 1 || p.Addrs[0] != addr.String() ||
		len(p.Protocols) != 1 || p.Protocols[0] != "transport-ipfs-gateway-http" {
		t.Fatalf("provider record %+v", p)
	}
	r = get(t, "GET", srv.URL+"/routing/v1/providers/"+c.String(), nil, "Accept", "application/x-ndjson")
	if lines := strings.Split(strings.TrimSpace(string(r.body)), "\n"); r.code != 200 || len(lines) != 1 || !strings.Contains(lines[0], id.String()) {
		t.Fatalf("NDJSON providers: %d %q", r.code, r.body)
	}
	// Filters as verified-fetch sends them keep the record; a protocol
	// filter that excludes HTTP gateways drops it.
	r = get(t, "GET", srv.URL+"/routing/v1/providers/"+c.String()+"?filter-addrs=https,tcp,webrtc&filter-protocols=unknown,transport-bitswap,transport-ipfs-gateway-http", nil)
	if !strings.Contains(string(r.body), id.String()) {
		t.Fatalf("filtered providers lost the record: %d %s", r.code, r.body)
	}
	r = get(t, "GET", srv.URL+"/routing/v1/providers/"+c.String()+"?filter-protocols=transport-bitswap", nil)
	if strings.Contains(string(r.body), id.String()) {
		t.Fatalf("a transport-bitswap filter kept the gateway record: %s", r.body)
	}
	// A block the server does not hold: an empty answer (200, IPIP-0513).
	other := "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	r = get(t, "GET", srv.URL+"/routing/v1/providers/"+other, nil)
	if strings.Contains(string(r.body), id.String()) || r.code >= 500 {
		t.Fatalf("providers of a block not held: %d %s", r.code, r.body)
	}
	r = get(t, "GET", srv.URL+"/routing/v1/peers/"+id.String(), nil)
	if r.code != 200 || !strings.Contains(string(r.body), addr.String()) {
		t.Fatalf("peers of its own ID: %d %s", r.code, r.body)
	}
	other2, _ := ipns.GenerateKey(rand.Reader)
	oid, _ := peer.IDFromPrivateKey(other2.PrivKey())
	if r = get(t, "GET", srv.URL+"/routing/v1/peers/"+oid.String(), nil); strings.Contains(string(r.body), "Addrs") {
		t.Fatalf("peers of another ID: %d %s", r.code, r.body)
	}
}
