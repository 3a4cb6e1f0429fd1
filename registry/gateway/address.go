package gateway

import (
	"fmt"
	"net/url"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
)

// DefaultURL is where svcreg serve (and kubo) listen by default.
const DefaultURL = "http://127.0.0.1:8080"

// ParseBaseURL parses the base URL of a gateway, http(s) without query or
// fragment; "" means DefaultURL.
func ParseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultURL
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("gateway %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("gateway %q: want http(s)://HOST[:PORT][/PATH]", s)
	}
	return u, nil
}

// EncodeQuery joins K=V pairs in the order given, percent-encoding keys
// and values (a space becomes %20, which form and URI decoders both read).
func EncodeQuery(pairs []string) (string, error) {
	parts := make([]string, 0, len(pairs))
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return "", fmt.Errorf("query %q: want KEY=VALUE", kv)
		}
		parts = append(parts, escapeQuery(k)+"="+escapeQuery(v))
	}
	return strings.Join(parts, "&"), nil
}

func escapeQuery(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

// AddressOptions say which of a release's addresses ReleaseURL writes.
type AddressOptions struct {
	// Immutable addresses the content (CID.ipfs.HOST, or /ipfs/CID/)
	// instead of the version.
	Immutable bool
	// Path is the path form (/ipns/REGISTRY/…/content/), which any IPFS
	// gateway serves but every release on it shares, instead of the
	// release's own origin.
	Path bool
	// Query (encoded, see EncodeQuery) and Fragment (a leading '#' is
	// dropped) are added as given.
	Query, Fragment string
}

// ReleaseURL returns the address of the release info of the registry reg
// on the gateway at base: its own origin (OriginHost, with its errors), or
// with opt.Path its path under base.
func ReleaseURL(base *url.URL, reg ipnsrec.Name, info registry.ReleaseInfo, opt AddressOptions) (string, error) {
	p := info.Path
	if opt.Immutable {
		p = "/ipfs/" + info.Release.Content.String() + "/"
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + p
	if !opt.Path {
		host, err := OriginHost(base, reg, info.Service, info.Version, info.Release.Content, opt.Immutable)
		if err != nil {
			return "", err
		}
		u.Host, u.Path = host, "/"
	}
	u.RawPath, u.RawQuery = "", opt.Query
	u.Fragment = strings.TrimPrefix(opt.Fragment, "#")
	return u.String(), nil
}
