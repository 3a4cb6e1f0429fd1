package gateway

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/ipfs/boxo/gateway"
	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multibase"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// svcLabel is the DNS label between a registry and a subdomain host in a
// release origin: <version>.<service>.<registry>.svc.<host>.
const svcLabel = "svc"

// maxLabel and maxHost are DNS's limits on a label and a whole name.
const (
	maxLabel = 63
	maxHost  = 253
)

// releaseHost returns the host name of the origin of one release on the
// subdomain gateway host (without port):
//
//	<version>.<service>.<registry>.svc.<host>
//	1-2-0.say.k51qzi5uqu5d….svc.localhost
//
// where <version> is the version with '.' written '-' and its prerelease
// after "--" (2.0.0-rc.1: 2-0-0--rc-1). It reports false when the release
// has no such name: a service name with '_' or a label over 63 bytes, a
// version with build metadata, capitals or a '-' inside its prerelease,
// a name over 253 bytes. Those releases are served from their content's
// origin, <cid>.ipfs.<host>, instead.
func releaseHost(service manifest.Name, v manifest.Version, registry ipnsrec.Name, host string) (string, bool) {
	vl, ok := versionLabel(v)
	if !ok || strings.Contains(string(service), "_") {
		return "", false
	}
	h := vl + "." + string(service) + "." + registry.String() + "." + svcLabel + "." + host
	for _, l := range strings.Split(h, ".") {
		if l == "" || len(l) > maxLabel || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return "", false
		}
	}
	return h, len(h) <= maxHost
}

// versionLabel writes v as one DNS label, if that label reads back as v.
func versionLabel(v manifest.Version) (string, bool) {
	s := v.String()
	core, pre, hasPre := strings.Cut(s, "-")
	l := strings.ReplaceAll(core, ".", "-")
	if hasPre {
		l += "--" + strings.ReplaceAll(pre, ".", "-")
	}
	if strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return "", false
	}
	back, err := parseVersionLabel(l)
	return l, err == nil && back.String() == s && len(l) <= maxLabel
}

// parseVersionLabel reads a label written by versionLabel.
func parseVersionLabel(l string) (manifest.Version, error) {
	core, pre, hasPre := strings.Cut(l, "--")
	s := strings.ReplaceAll(core, "-", ".")
	if hasPre {
		s += "-" + strings.ReplaceAll(pre, "-", ".")
	}
	return manifest.ParseVersion(s)
}

// releaseOrigin is a request's release host, taken apart.
type releaseOrigin struct {
	spec     manifest.Spec // the exact version
	registry ipnsrec.Name
	gwHost   string // the subdomain gateway host, with the request's port
}

// releaseOf reports whether host (a Host header) is a release origin on
// one of the server's subdomain hosts, and which. Errors are for names
// under .svc.<host> that are not one.
func (s *Server) releaseOf(host string) (releaseOrigin, bool, error) {
	name, port := splitHost(host)
	for _, sub := range s.subHosts {
		rest, ok := strings.CutSuffix(name, "."+svcLabel+"."+sub)
		if !ok {
			continue
		}
		gw := sub
		if port != "" {
			gw = net.JoinHostPort(sub, port)
		}
		i, j := strings.IndexByte(rest, '.'), strings.LastIndexByte(rest, '.')
		if i < 0 || i == j {
			return releaseOrigin{}, true, fmt.Errorf("%w: %q is not <version>.<service>.<registry>.svc.%s", errBadPath, name, sub)
		}
		v, err := parseVersionLabel(rest[:i])
		if err != nil {
			return releaseOrigin{}, true, err
		}
		svc, err := manifest.ParseName(rest[i+1 : j])
		if err != nil {
			return releaseOrigin{}, true, err
		}
		spec := manifest.ExactSpec(svc, v)
		reg, err := parseName(rest[j+1:])
		if err != nil {
			return releaseOrigin{}, true, fmt.Errorf("%w: %w", errNoRegistry, err)
		}
		return releaseOrigin{spec: spec, registry: reg, gwHost: gw}, true, nil
	}
	return releaseOrigin{}, false, nil
}

// subdomainHost returns the configured subdomain host that host (a Host
// header) is, with its port.
func (s *Server) subdomainHost(host string) (string, bool) {
	name, _ := splitHost(host)
	for _, sub := range s.subHosts {
		if name == sub {
			return host, true
		}
	}
	return "", false
}

// serveRelease serves a request to a release origin: the whole path
// belongs to the release's content, which boxo serves as a subdomain
// gateway root, so _redirects applies.
func (s *Server) serveRelease(w http.ResponseWriter, r *http.Request, o releaseOrigin) {
	reg, err := s.registryFor(o.registry)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := checkSegments(strings.TrimPrefix(r.URL.EscapedPath(), "/")); err != nil {
		writeError(w, err)
		return
	}
	res, err := reg.Resolve(r.Context(), o.spec)
	if err != nil {
		writeError(w, err)
		return
	}
	r2 := r.Clone(r.Context())
	ctx := context.WithValue(r2.Context(), gateway.OriginalPathKey, r.URL.Path)
	ctx = context.WithValue(ctx, gateway.SubdomainHostnameKey, o.gwHost)
	ctx = context.WithValue(ctx, gateway.GatewayHostnameKey, o.gwHost)
	r2 = r2.WithContext(ctx)
	r2.URL.Path = "/ipfs/" + res.CID.String() + r.URL.Path
	if r.URL.RawPath != "" {
		r2.URL.RawPath = "/ipfs/" + res.CID.String() + r.URL.RawPath
	}
	w.Header().Set("Svcreg-Release", releaseLabel(res))
	s.gw.ServeHTTP(w, r2)
}

// redirectToRelease answers a request for rest (escaped) of a release of
// the registry regName with a redirect to rest on the release's origin
// under the subdomain gateway gwHost (by way of /ipfs/<cid>/, its
// content's origin, when the release has no name there). The redirect is
// temporary: a range may move.
func (s *Server) redirectToRelease(w http.ResponseWriter, r *http.Request, gwHost string, regName ipnsrec.Name, service manifest.Name, v manifest.Version, content string, rest string) {
	name, port := splitHost(gwHost)
	host, ok := releaseHost(service, v, regName, name)
	prefix := ""
	if !ok {
		// boxo redirects /ipfs/<cid>/ on to the content's own origin.
		host, prefix = name, "/ipfs/"+content
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	}
	u := url.URL{Scheme: schemeOf(r), Host: host, Path: prefix + "/", RawQuery: r.URL.RawQuery}
	if p, err := url.PathUnescape(rest); err == nil {
		u.Path, u.RawPath = prefix+"/"+p, prefix+"/"+rest
	}
	w.Header().Set("Cache-Control", svcCacheControl)
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// schemeOf is the scheme the client used, as a reverse proxy reports it.
func schemeOf(r *http.Request) string {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return "https"
	}
	return "http"
}

// splitHost splits a Host header into a lower-case name and a port.
func splitHost(host string) (string, string) {
	if !strings.Contains(host, ":") {
		return strings.ToLower(host), "" // as below, without SplitHostPort's error
	}
	if h, p, err := net.SplitHostPort(host); err == nil {
		return strings.ToLower(h), p
	}
	return strings.ToLower(host), ""
}

// publicGateways is boxo's configuration of the hosts: each subdomain
// host (localhost always) is a subdomain gateway.
func (s *Server) publicGateways() map[string]*gateway.PublicGateway {
	out := map[string]*gateway.PublicGateway{}
	for _, h := range s.subHosts {
		out[h] = &gateway.PublicGateway{
			Paths: []string{"/ipfs", "/ipns"}, UseSubdomains: true, NoDNSLink: s.dnslink == nil,
			InlineDNSLink: true, DeserializedResponses: true,
		}
	}
	return out
}

// redirectSvc redirects a /svc/ request to the origin of the release res
// under the subdomain gateway gwHost.
func (s *Server) redirectSvc(w http.ResponseWriter, r *http.Request, gwHost string, res registry.Resolution, rest string) {
	s.redirectToRelease(w, r, gwHost, s.registry, res.Service, res.Version, res.CID.String(), rest)
}

// releaseLabel is the Svcreg-Release header of a response from res:
// "NAME@VERSION CID".
func releaseLabel(res registry.Resolution) string {
	return manifest.ExactSpec(res.Service, res.Version).String() + " " + res.CID.String()
}

// contentHost returns the host name of the origin of content c on the
// subdomain gateway host, as kubo names it: <cid>.ipfs.<host> with c as
// CIDv1 in base32, or in base36 when base32 does not fit a DNS label.
func contentHost(c cid.Cid, host string) string {
	v1 := cid.NewCidV1(c.Type(), c.Hash())
	label := v1.String()
	if len(label) > maxLabel {
		if s, err := v1.StringOfBase(multibase.Base36); err == nil {
			label = s
		}
	}
	return label + ".ipfs." + host
}
