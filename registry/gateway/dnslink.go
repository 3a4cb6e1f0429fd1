package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/ipfs/boxo/namesys"
	"github.com/ipfs/boxo/path"

	"github.com/svcreg/svcreg/registry/dnslink"
)

// isDNSLinkHost reports whether host (a Host header) is a domain with a
// DNSLink record that this server should serve as a DNSLink gateway:
// not an IP address, not localhost or a subdomain host (nor a name
// under one). Without Config.DNSLink, or with Config.NoDNSLink, it is
// always false.
func (s *Server) isDNSLinkHost(ctx context.Context, host string) bool {
	if s.dnslink == nil || s.noDNSHost {
		return false
	}
	name, _ := splitHost(host)
	if !dnslink.IsDomain(name) || name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return false
	}
	for _, sub := range s.subHosts {
		if name == sub || strings.HasSuffix(name, "."+sub) {
			return false
		}
	}
	_, err := s.dnslink.Lookup(ctx, name)
	return err == nil
}

// resolveDNSLink resolves /ipns/<domain>/<rest…> through DNSLink: to
// content, or to an IPNS name whose verified record this server holds.
func (s *Server) resolveDNSLink(ctx context.Context, domain string, rest []string) (namesys.Result, error) {
	p, err := s.dnslink.Resolve(ctx, domain)
	if err != nil {
		return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w", domain, err))
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	ttl := dnslink.DefaultTTL
	if segs[0] == "ipns" {
		name, err := parseName(segs[1])
		if err != nil {
			return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s (dnslink %s): %w", domain, p, err))
		}
		vh, err := s.liveHead(ctx, name)
		if s.useRecords(err) { // a name this home does not follow
			res, err := s.resolveOther(ctx, name, append(segs[2:], rest...))
			res.TTL = min(res.TTL, ttl)
			return res, err
		}
		if err != nil {
			return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s (dnslink %s): %w", domain, p, err))
		}
		segs[0], segs[1] = "ipfs", vh.Root.String()
		ttl = min(ttl, vh.Record.TTL)
	}
	out, err := path.NewPathFromSegments(append(segs, rest...)...)
	if err != nil {
		return namesys.Result{}, err
	}
	return namesys.Result{Path: out, TTL: ttl}, nil
}
