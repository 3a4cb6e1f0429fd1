package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/dnstest"
)

// TestServeFollowDomain: serve --follow takes a domain whose DNSLink
// record names the registry, as --registry does, and serves the registry
// under its k51… name.
func TestServeFollowDomain(t *testing.T) {
	pub, name := publisher(t)
	dns := dnstest.Start(t)
	dns.SetTXT("_dnslink.reg.follow.test", "dnslink=/ipns/"+name)
	m := startServer(t, filepath.Join(t.TempDir(), "m"), "--follow", "reg.follow.test", "--upstream", newGateway(t, pub).URL,
		"--mirror", "none", "--dns-resolver", dns.Addr)
	head := headOf(t, pub, name)
	waitFor(t, 10*time.Second, "the mirror has the head", func() bool { seq, _, _ := m.health(name); return seq == head.Seq })
	code, _, body := fetch(t, m.URL()+"/svc/tts@1.0.0/index.html", "")
	if code != 200 || body != "one" {
		t.Fatalf("content of the followed registry: %d %q", code, body)
	}
}
