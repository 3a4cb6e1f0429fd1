package gateway

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// localhost is the subdomain gateway every server is, as in kubo: browsers
// resolve it and every name under it to the machine itself.
const localhost = "localhost"

// originGateway returns the subdomain gateway host (with the request's
// port) under which a browser that sent r finds release origins: r's own
// host when it is a subdomain host (localhost included), localhost when r
// came to a loopback address (127.0.0.1, [::1]) directly rather than
// through a proxy that names another host.
func (s *Server) originGateway(r *http.Request) (string, bool) {
	if gw, ok := s.subdomainHost(r.Host); ok {
		return gw, true
	}
	name, port := splitHost(r.Host)
	ip := net.ParseIP(name)
	if ip == nil || !ip.IsLoopback() || r.Header.Get("X-Forwarded-Host") != "" || r.Header.Get("Forwarded") != "" {
		return "", false
	}
	if port != "" {
		return net.JoinHostPort(localhost, port), true
	}
	return localhost, true
}

// redirectGateway returns where r, a request for a release's files, is
// redirected to the release's origin: always on a subdomain host; on a
// loopback address when a browser loads a page, so that programs (curl,
// scripts, other nodes) keep the path gateway there.
func (s *Server) redirectGateway(r *http.Request) (string, bool) {
	if gw, ok := s.subdomainHost(r.Host); ok {
		return gw, true
	}
	if !pageLoad(r) {
		return "", false
	}
	return s.originGateway(r)
}

// pageLoad reports whether r is a browser loading a page: a document, a
// frame or an embedded object, by its Sec-Fetch-Dest header, or, from a
// browser that sends none, by an Accept header that names HTML. Only a
// page runs in an origin; a script, a stylesheet or fetch() runs in the
// page's, and trustless requests (?format=) are never pages.
func pageLoad(r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawQuery != "" && r.URL.Query().Has("format") {
		return false
	}
	switch r.Header.Get("Sec-Fetch-Dest") {
	case "document", "iframe", "frame", "embed", "object", "fencedframe":
		return true
	case "":
		for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
			mt, _, _ := strings.Cut(part, ";")
			if strings.EqualFold(strings.TrimSpace(mt), "text/html") {
				return true
			}
		}
	}
	return false
}

// releasePath is a path below a registry's IPNS name that names a
// release's content: services/[SHARD/…]NAME/versions/[SHARD/…]VERSION/content/REST
// (docs/FORMAT.md; shard segments start with '-', which no name or
// version does). rest is escaped.
type releasePath struct {
	service manifest.Name
	version manifest.Version
	rest    string
}

// parseReleasePath reads p, an escaped path below a registry's name
// without its leading '/', as a releasePath.
func parseReleasePath(p string) (releasePath, bool) {
	segs := strings.SplitN(p, "/", 64)
	i := 0
	next := func(want string) (string, bool) { // the next segment that is not a shard
		for i < len(segs) && strings.HasPrefix(segs[i], "-") {
			i++
		}
		if i >= len(segs) || (want != "" && segs[i] != want) {
			return "", false
		}
		i++
		return segs[i-1], true
	}
	if _, ok := next("services"); !ok {
		return releasePath{}, false
	}
	name, ok := next("")
	if !ok {
		return releasePath{}, false
	}
	if _, ok := next("versions"); !ok {
		return releasePath{}, false
	}
	version, ok := next("")
	if !ok || i >= len(segs) || segs[i] != "content" {
		return releasePath{}, false
	}
	svc, err := manifest.ParseName(name)
	if err != nil {
		return releasePath{}, false
	}
	v, err := manifest.ParseVersion(version)
	if err != nil {
		return releasePath{}, false
	}
	return releasePath{service: svc, version: v, rest: strings.Join(segs[i+1:], "/")}, true
}

// redirectReleasePath answers a browser's page load of a release's files
// by their path under the registry's name (/ipns/REGISTRY/services/…/content/
// on a loopback address or a subdomain host, or …/services/…/content/ on
// REGISTRY.ipns.HOST) with a redirect to the release's own origin. It
// reports false, having written nothing, when r is not such a request, or
// names a registry with no head here (then the path is served as any other
// IPNS path).
func (s *Server) redirectReleasePath(w http.ResponseWriter, r *http.Request) bool {
	if !pageLoad(r) {
		return false
	}
	gw, regName, p, ok := s.ipnsPathOf(r)
	if !ok {
		return false
	}
	rp, ok := parseReleasePath(p)
	if !ok {
		return false
	}
	reg, err := s.registryFor(regName)
	if err != nil {
		return false
	}
	res, err := reg.Resolve(r.Context(), manifest.ExactSpec(rp.service, rp.version))
	if errors.Is(err, registry.ErrNoHead) {
		return false
	}
	if err != nil {
		writeError(w, err)
		return true
	}
	s.redirectToRelease(w, r, gw, regName, rp.service, rp.version, res.CID.String(), rp.rest)
	return true
}

// ipnsPathOf takes an /ipns/ request apart: the subdomain gateway host its
// release origins are under, the IPNS name and the escaped path below it
// (without '/'), from /ipns/NAME/PATH on a loopback address or a subdomain
// host, or from PATH on NAME.ipns.HOST.
func (s *Server) ipnsPathOf(r *http.Request) (gw string, name ipnsrec.Name, p string, ok bool) {
	host, port := splitHost(r.Host)
	label, rest := "", ""
	for _, sub := range s.subHosts {
		if l, found := strings.CutSuffix(host, ".ipns."+sub); found && !strings.Contains(l, ".") {
			if port != "" {
				sub = net.JoinHostPort(sub, port)
			}
			gw, label, rest = sub, l, strings.TrimPrefix(r.URL.EscapedPath(), "/")
			break
		}
	}
	if label == "" {
		after, found := strings.CutPrefix(r.URL.EscapedPath(), "/ipns/")
		if !found {
			return "", ipnsrec.Name{}, "", false
		}
		if gw, ok = s.originGateway(r); !ok {
			return "", ipnsrec.Name{}, "", false
		}
		label, rest, _ = strings.Cut(after, "/")
	}
	name, err := parseName(label)
	if err != nil || checkRegistryName(name) != nil {
		return "", ipnsrec.Name{}, "", false
	}
	return gw, name, rest, true
}

// OriginHost returns the host (with port) of a release's origin on the
// subdomain gateway at base, as svcreg serve names it:
// VERSION.NAME.REGISTRY.svc.HOST, or, with immutable or for a release
// without such a name, its content's CID.ipfs.HOST. A loopback address is
// written localhost, as kubo does (browsers resolve *.localhost to the
// machine itself). Another IP address has no subdomains (ErrIPGateway),
// nor has a gateway below a path (ErrGatewayPath).
func OriginHost(base *url.URL, registry ipnsrec.Name, service manifest.Name, v manifest.Version, content cid.Cid, immutable bool) (string, error) {
	name, port := base.Hostname(), base.Port()
	if ip := net.ParseIP(name); ip != nil {
		if !ip.IsLoopback() {
			return "", &originError{kind: ErrIPGateway, msg: fmt.Sprintf("a release's origin needs a host name, and %s is an IP address", name)}
		}
		name = localhost
	}
	if strings.Trim(base.Path, "/") != "" {
		return "", &originError{kind: ErrGatewayPath, msg: fmt.Sprintf("a release's origin is a host of its own, and gateway %s is below a path", base)}
	}
	o, ok := releaseHost(service, v, registry, name)
	if immutable || !ok {
		o = contentHost(content, name)
	}
	if port != "" {
		o = net.JoinHostPort(o, port)
	}
	return o, nil
}
