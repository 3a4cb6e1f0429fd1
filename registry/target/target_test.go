package target_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/internal/dnstest"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/target"
)

const (
	key1  = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
	key2  = "k51qzi5uqu5dirfpmy5ijo3vx2ihh4qm8haah56pzyjt2w0ll6jf81tfvonq2s"
	key3  = "k51qzi5uqu5di4449zuks6ggk6glaq1qltcn7bvpuyi4q2e6w5bynsqvif5l3z"
	peer3 = "12D3KooWF2qZqWs6omtoj83tTdsnAjJ7GA2pwH814Xb7F4Kew1LJ" // key3
	cid1  = "bafybeih45m4vhm4viik3bdr2r5ks7ybealm3drpg3ssjrcqbivb5jofhy4"
)

func mustName(tb testing.TB, s string) ipnsrec.Name {
	tb.Helper()
	n, err := ipns.ParseRegistryName(s)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func remotes(tb testing.TB, def string) func() (target.Remotes, error) {
	rs := target.Remotes{Default: def, Named: map[string]target.Remote{
		"main":  {Name: mustName(tb, key2), Gateways: []string{"https://gw.example"}},
		"mine":  {Name: mustName(tb, key1)},
		"other": {Name: mustName(tb, key3)},
	}}
	return func() (target.Remotes, error) { return rs, nil }
}

// TestResolve covers every way of naming a registry, with DNSLink from a
// real DNS server on loopback and from the static map.
func TestResolve(t *testing.T) {
	srv := dnstest.Start(t)
	srv.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/"+key2)
	srv.SetTXT("_dnslink.alias.example.com", "dnslink=/ipns/registry.example.com")
	srv.SetTXT("_dnslink.site.example.com", "dnslink=/ipfs/"+cid1)
	srv.SetTXT("_dnslink.rsa.example.com", "dnslink=/ipns/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N")
	dns := dnslink.Config{Server: srv.Addr, NSMap: "mapped.test:/ipns/" + key3}
	own := mustName(t, key1)
	gws := []string{"http://127.0.0.1:8080"}
	for _, tt := range []struct {
		name string
		cfg  target.Config
		in   string
		want target.Target
	}{
		{"own", target.Config{Own: own}, "", target.Target{Name: own, Own: true}},
		{"own with gateways", target.Config{Own: own, Gateways: gws}, "", target.Target{Name: own, Own: true, Gateways: gws}},
		{"default remote", target.Config{Remotes: remotes(t, "main")}, "",
			target.Target{Name: mustName(t, key2), Remote: "main", Gateways: []string{"https://gw.example"}}},
		{"remote", target.Config{Own: own, Remotes: remotes(t, "")}, "other", target.Target{Name: mustName(t, key3), Remote: "other"}},
		{"own remote", target.Config{Own: own, Remotes: remotes(t, "")}, "mine", target.Target{Name: own, Remote: "mine", Own: true}},
		{"gateways replace a remote's", target.Config{Remotes: remotes(t, ""), Gateways: gws}, "main",
			target.Target{Name: mustName(t, key2), Remote: "main", Gateways: gws}},
		{"k51", target.Config{}, key2, target.Target{Name: mustName(t, key2)}},
		{"/ipns/", target.Config{Own: own}, "/ipns/" + key1, target.Target{Name: own, Own: true}},
		{"peer ID", target.Config{}, peer3, target.Target{Name: mustName(t, key3)}},
		{"only head", target.Config{Heads: heads(key3)}, "", target.Target{Name: mustName(t, key3)}},
		{"domain", target.Config{DNSLink: dns, Gateways: gws}, "registry.example.com",
			target.Target{Name: mustName(t, key2), Domain: "registry.example.com", Gateways: gws}},
		{"domain to a domain", target.Config{DNSLink: dns}, "alias.example.com",
			target.Target{Name: mustName(t, key2), Domain: "alias.example.com"}},
		{"static map", target.Config{DNSLink: dns, Own: own}, "mapped.test", target.Target{Name: mustName(t, key3), Domain: "mapped.test"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.New(tt.cfg).Resolve(t.Context(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.want.Name || got.Remote != tt.want.Remote || got.Domain != tt.want.Domain ||
				got.Own != tt.want.Own || !slices.Equal(got.Gateways, tt.want.Gateways) {
				t.Errorf("Resolve(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name string
		cfg  target.Config
		in   string
		want error
	}{
		{"not a name", target.Config{Remotes: remotes(t, "")}, "nosuch", target.ErrInvalidTarget},
		{"not a name, the cause kept", target.Config{}, "nosuch", ipns.ErrInvalidName},
		{"no record", target.Config{DNSLink: dns}, "none.example.com", dnslink.ErrNotFound},
		{"content, not a registry", target.Config{DNSLink: dns}, "site.example.com", dnslink.ErrNotRegistry},
		{"not an ed25519 key", target.Config{DNSLink: dns}, "rsa.example.com", ipns.ErrInvalidName},
		{"bad map", target.Config{DNSLink: dnslink.Config{NSMap: "x.test:/nope"}}, "x.test", target.ErrDNSConfig},
		{"bad server", target.Config{DNSLink: dnslink.Config{Server: "nope"}}, "x.test", target.ErrDNSConfig},
		{"no heads", target.Config{}, "", target.ErrNoTarget},
		{"several heads", target.Config{Heads: heads(key1, key2)}, "", target.ErrNoTarget},
		{"default not a remote", target.Config{Remotes: remotes(t, "gone")}, "", target.ErrUnknownRemote},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := target.New(tt.cfg).Resolve(t.Context(), tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Resolve(%q) = %+v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func heads(names ...string) func(context.Context) ([]string, error) {
	return func(context.Context) ([]string, error) { return names, nil }
}

// TestResolveErrors checks what the typed errors carry.
func TestResolveErrors(t *testing.T) {
	r := target.New(target.Config{Heads: heads(key1, key2), DNSLink: dnslink.Config{NSMap: "site.test:/ipfs/" + cid1}})
	_, err := r.Resolve(t.Context(), "")
	var nt *target.NoTargetError
	if !errors.As(err, &nt) || !slices.Equal(nt.Heads, []string{key1, key2}) {
		t.Errorf("no target: %v", err)
	}
	_, err = r.Resolve(t.Context(), "site.test")
	var de *target.DNSLinkError
	if !errors.As(err, &de) || de.Domain != "site.test" || !errors.Is(err, dnslink.ErrNotRegistry) {
		t.Errorf("dnslink: %v", err)
	}
}

// TestResolveAsksOnlyWhatItNeeds: the remotes are not read when the own
// registry answers, and a DNSLink setting that cannot be used stops only
// a domain.
func TestResolveAsksOnlyWhatItNeeds(t *testing.T) {
	broken := errors.New("damaged config")
	r := target.New(target.Config{
		Own:     mustName(t, key1),
		Remotes: func() (target.Remotes, error) { return target.Remotes{}, broken },
		DNSLink: dnslink.Config{NSMap: "bad"},
	})
	if _, err := r.Resolve(t.Context(), ""); err != nil {
		t.Errorf("own registry: %v", err)
	}
	if _, err := r.Resolve(t.Context(), key2); !errors.Is(err, broken) {
		t.Errorf("a name needs the remotes (it might be one): %v", err)
	}
	if n, err := r.Name(t.Context(), key2); err != nil || n.String() != key2 {
		t.Errorf("Name(%s) = %v, %v", key2, n, err)
	}
	if _, err := r.Name(t.Context(), "example.com"); !errors.Is(err, target.ErrDNSConfig) {
		t.Errorf("domain with a bad map: %v", err)
	}
}
