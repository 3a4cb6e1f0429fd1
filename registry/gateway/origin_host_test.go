package gateway_test

import (
	"errors"
	"net"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/gateway"
)

// OriginHost names a release's origin on a gateway URL the way the
// server serves it, and refuses gateways that cannot have one.
func TestOriginHost(t *testing.T) {
	reg := seedKey(t, 90).RegistryName()
	content := cid.MustParse("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
	v := manifest.MustParseVersion("1.2.0")
	for _, tt := range []struct {
		base, service string
		immutable     bool
		want          string
		err           error
	}{
		{"http://127.0.0.1:8080", "say", false, "1-2-0.say." + reg.String() + ".svc.localhost:8080", nil},
		{"https://reg.example", "say", false, "1-2-0.say." + reg.String() + ".svc.reg.example", nil},
		{"https://reg.example", "say", true, content.String() + ".ipfs.reg.example", nil},
		{"http://localhost:8080", "a_b", false, content.String() + ".ipfs.localhost:8080", nil},
		{"http://192.0.2.7:8080", "say", false, "", gateway.ErrIPGateway},
		{"https://gw.example/base/", "say", false, "", gateway.ErrGatewayPath},
	} {
		base, _ := url.Parse(tt.base)
		got, err := gateway.OriginHost(base, reg, manifest.Name(tt.service), v, content, tt.immutable)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("OriginHost(%s, %s, immutable %v) = %q, %v; want %q, %v", tt.base, tt.service, tt.immutable, got, err, tt.want, tt.err)
		}
	}
}

// NodeProvider creates the node's key on first use and keeps it; a
// public URL that is not a server's root is refused.
func TestNodeProvider(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "home", "node.key")
	listen := &net.TCPAddr{IP: net.IPv4zero, Port: 8080}
	p1, err := gateway.NodeProvider(keyFile, "", listen)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Addrs) != 1 || p1.Addrs[0].String() != "/ip4/127.0.0.1/tcp/8080/http" {
		t.Errorf("addrs %v, want the loopback address for an unspecified listen address", p1.Addrs)
	}
	p2, err := gateway.NodeProvider(keyFile, "https://reg.example", listen)
	if err != nil {
		t.Fatal(err)
	}
	if p2.ID != p1.ID || p2.Addrs[0].String() != "/dns/reg.example/tcp/443/https" {
		t.Errorf("second start: %s %v, want %s at /dns/reg.example/tcp/443/https", p2.ID, p2.Addrs, p1.ID)
	}
	for _, u := range []string{"https://reg.example/sub/", "ftp://reg.example", "http://[::1"} {
		if _, err := gateway.NodeProvider(keyFile, u, listen); !errors.Is(err, gateway.ErrPublicURL) {
			t.Errorf("public URL %s: %v, want ErrPublicURL", u, err)
		}
	}
}
