package dnslink_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/dnstest"
	"github.com/svcreg/svcreg/registry/dnslink"
)

const (
	key1 = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
	key2 = "k51qzi5uqu5dirfpmy5ijo3vx2ihh4qm8haah56pzyjt2w0ll6jf81tfvonq2s"
	cid1 = "bafybeih45m4vhm4viik3bdr2r5ks7ybealm3drpg3ssjrcqbivb5jofhy4"
)

// TestResolverDNS asks a real DNS server on loopback.
func TestResolverDNS(t *testing.T) {
	srv := dnstest.Start(t)
	srv.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/"+key1)
	srv.SetTXT("_dnslink.two.example.com", "dnslink=/ipns/"+key2, "dnslink=/ipns/"+key1, "other=x") // smallest wins
	srv.SetTXT("_dnslink.site.example.com", "dnslink=/ipfs/"+cid1+"/www")
	srv.SetTXT("_dnslink.alias.example.com", "dnslink=/ipns/registry.example.com")
	srv.SetTXT("_dnslink.loop.example.com", "dnslink=/ipns/loop.example.com")
	srv.SetTXT("_dnslink.bad.example.com", "dnslink=/ipfs/notacid")
	now := time.Now()
	r, err := dnslink.New(dnslink.Config{Server: srv.Addr, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tt := range []struct {
		domain, want string
		err          error
	}{
		{"registry.example.com", "/ipns/" + key1, nil},
		{"Registry.Example.COM.", "/ipns/" + key1, nil},
		{"two.example.com", "/ipns/" + key2, nil}, // key2 < key1
		{"site.example.com", "/ipfs/" + cid1 + "/www", nil},
		{"alias.example.com", "/ipns/" + key1, nil},
		{"loop.example.com", "", dnslink.ErrInvalidRecord},
		{"bad.example.com", "", dnslink.ErrInvalidRecord},
		{"none.example.com", "", dnslink.ErrNotFound},
		{"nodots", "", dnslink.ErrInvalidDomain},
	} {
		got, err := r.Resolve(ctx, tt.domain)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Resolve(%s) = %q, %v; want %q, %v", tt.domain, got, err, tt.want, tt.err)
		}
	}
	for _, tt := range []struct {
		in, want string
		err      error
	}{
		{key1, key1, nil},
		{"/ipns/" + key1, key1, nil},
		{"registry.example.com", key1, nil},
		{"alias.example.com", key1, nil},
		{"site.example.com", "", dnslink.ErrNotRegistry},
		{"none.example.com", "", dnslink.ErrNotFound},
	} {
		got, err := r.ResolveRegistryName(ctx, tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("ResolveRegistryName(%s) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	// Answers are kept for the TTL; then DNS is asked again.
	srv.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/"+key2)
	if got, _ := r.ResolveRegistryName(ctx, "registry.example.com"); got != key1 {
		t.Errorf("within the TTL: %s", got)
	}
	now = now.Add(dnslink.DefaultTTL + time.Second)
	if got, _ := r.ResolveRegistryName(ctx, "registry.example.com"); got != key2 {
		t.Errorf("after the TTL: %s", got)
	}
}

// TestNSMap answers from SVCREG_NS_MAP without asking DNS.
func TestNSMap(t *testing.T) {
	srv := dnstest.Start(t)
	srv.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/"+key2)
	r, err := dnslink.New(dnslink.Config{Server: srv.Addr, NSMap: "registry.example.com:/ipns/" + key1 + ", other.test:/ipfs/" + cid1})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.ResolveRegistryName(context.Background(), "registry.example.com"); got != key1 || err != nil {
		t.Errorf("registry: %q %v", got, err)
	}
	if got, err := r.Resolve(context.Background(), "other.test"); got != "/ipfs/"+cid1 || err != nil {
		t.Errorf("other.test: %q %v", got, err)
	}
	if n := srv.Queries(); n != 0 {
		t.Errorf("DNS asked %d times", n)
	}
	for _, bad := range []string{"x", "a.b:/ipfs/nope", "a.b:ipns/" + key1, "nodot:/ipns/" + key1} {
		if _, err := dnslink.ParseNSMap(bad); !errors.Is(err, dnslink.ErrInvalidRecord) {
			t.Errorf("ParseNSMap(%q): %v", bad, err)
		}
	}
}

// TestDeadServer fails, neither hanging nor reporting "not found", when
// the server does not answer.
func TestDeadServer(t *testing.T) {
	r, err := dnslink.New(dnslink.Config{Server: "127.0.0.1:1", Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := r.Resolve(context.Background(), "registry.example.com")
		errc <- err
	}()
	select {
	case err := <-errc:
		if err == nil || errors.Is(err, dnslink.ErrNotFound) {
			t.Fatalf("err %v, want a failure to ask", err)
		}
	case <-time.After(hang):
		t.Fatal("hung: the lookup's timeout did not end it")
	}
}
