package dnslink

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/miekg/dns"
	"golang.org/x/sync/singleflight"
)

// Config configures New. The zero value resolves through the system's
// DNS resolver with the defaults in defaults.go.
type Config struct {
	// NSMap is a static map in the format of kubo's IPFS_NS_MAP, asked
	// before DNS.
	NSMap string
	// Server is a DNS server (HOST:PORT) to ask instead of the system's.
	Server string
	// TTL is how long an answer (a record, or the absence of one) is
	// kept; FailTTL how long a failure (a timeout, a server error, an
	// invalid record) is.
	TTL     time.Duration
	FailTTL time.Duration
	// Timeout bounds one lookup, however many callers wait for it.
	Timeout time.Duration
	Now     func() time.Time
}

// Resolver resolves DNSLink names; see the package documentation. It is
// safe for concurrent use.
type Resolver struct {
	static  map[string]string
	dns     *net.Resolver
	ttl     time.Duration
	failTTL time.Duration
	timeout time.Duration
	now     func() time.Time
	flight  singleflight.Group // one lookup of a domain at a time

	mu    sync.Mutex
	cache map[string]entry
}

type entry struct {
	value   string
	err     error // a domain without a record, or a failed lookup, is kept too
	expires time.Time
}

// New returns a Resolver for cfg. It wraps ErrInvalidRecord when NSMap
// is malformed.
func New(cfg Config) (*Resolver, error) {
	static, err := ParseNSMap(cfg.NSMap)
	if err != nil {
		return nil, err
	}
	r := &Resolver{
		static: static, dns: net.DefaultResolver, ttl: cmp.Or(cfg.TTL, DefaultTTL), failTTL: cmp.Or(cfg.FailTTL, DefaultFailTTL),
		timeout: cmp.Or(cfg.Timeout, DefaultTimeout), now: cfg.Now, cache: map[string]entry{},
	}
	if r.now == nil {
		r.now = time.Now
	}
	if cfg.Server != "" {
		if _, _, err := net.SplitHostPort(cfg.Server); err != nil {
			return nil, fmt.Errorf("dns server %q: want HOST:PORT: %w", cfg.Server, err)
		}
		var d net.Dialer
		r.dns = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, cfg.Server)
		}}
	}
	return r, nil
}

// ParseNSMap parses "domain:/path,domain:/path" (kubo's IPFS_NS_MAP).
// Empty entries are ignored; each value must be a valid DNSLink value.
func ParseNSMap(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		domain, value, ok := strings.Cut(kv, ":")
		if !ok || !IsDomain(domain) {
			return nil, fmt.Errorf("ns map entry %q: %w: want DOMAIN:/ipns/NAME or DOMAIN:/ipfs/CID", kv, ErrInvalidRecord)
		}
		p, err := parseValue(value)
		if err != nil {
			return nil, fmt.Errorf("ns map entry %q: %w", kv, err)
		}
		out[canonical(domain)] = p
	}
	return out, nil
}

// IsDomain reports whether s reads as a domain name with at least two
// labels (and is not an IPNS key name).
func IsDomain(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if !strings.Contains(s, ".") || net.ParseIP(s) != nil {
		return false
	}
	_, ok := dns.IsDomainName(s)
	return ok && !strings.ContainsAny(s, "/:@ ")
}

func canonical(domain string) string { return strings.ToLower(strings.TrimSuffix(domain, ".")) }

// Lookup returns the path in domain's DNSLink record (one link, not
// followed). It wraps ErrInvalidDomain, ErrNotFound or ErrInvalidRecord.
// Concurrent lookups of one domain share one question to DNS, which
// takes at most Config.Timeout; its answer is kept (see Config.TTL and
// Config.FailTTL). A caller whose ctx ends stops waiting for it.
func (r *Resolver) Lookup(ctx context.Context, domain string) (string, error) {
	if !IsDomain(domain) {
		return "", fmt.Errorf("dnslink %q: %w", domain, ErrInvalidDomain)
	}
	d := canonical(domain)
	if p, ok := r.static[d]; ok {
		return p, nil
	}
	r.mu.Lock()
	e, ok := r.cache[d]
	r.mu.Unlock()
	if ok && r.now().Before(e.expires) {
		return e.value, e.err
	}
	ch := r.flight.DoChan(d, func() (any, error) {
		p, err := r.lookupDNS(context.WithoutCancel(ctx), d)
		r.keep(d, p, err)
		return p, err
	})
	select {
	case res := <-ch:
		p, _ := res.Val.(string)
		return p, res.Err
	case <-ctx.Done():
		return "", fmt.Errorf("dnslink %s: %w", d, ctx.Err())
	}
}

// keep caches the answer for d: a record or its absence for the TTL, a
// failure for the shorter FailTTL. Past maxEntries, expired answers go
// first, then all.
func (r *Resolver) keep(d, p string, err error) {
	now := r.now()
	ttl := r.ttl
	if err != nil && !errors.Is(err, ErrNotFound) {
		ttl = r.failTTL
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cache) >= maxEntries {
		for k, e := range r.cache {
			if !now.Before(e.expires) {
				delete(r.cache, k)
			}
		}
		if len(r.cache) >= maxEntries {
			clear(r.cache)
		}
	}
	r.cache[d] = entry{value: p, err: err, expires: now.Add(ttl)}
}

// lookupDNS asks DNS for the TXT records at _dnslink.<d>.
func (r *Resolver) lookupDNS(ctx context.Context, d string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	txts, err := r.dns.LookupTXT(ctx, "_dnslink."+d+".")
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return "", fmt.Errorf("dnslink %s: %w", d, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("dnslink %s: %w", d, err)
	}
	var found []string
	for _, t := range txts {
		if v, ok := strings.CutPrefix(strings.TrimSpace(t), "dnslink="); ok {
			if p, err := parseValue(v); err == nil {
				found = append(found, p)
			}
		}
	}
	if len(found) == 0 {
		if len(txts) > 0 {
			return "", fmt.Errorf("dnslink %s: %w: %q", d, ErrInvalidRecord, txts)
		}
		return "", fmt.Errorf("dnslink %s: %w", d, ErrNotFound)
	}
	return slices.Min(found), nil
}

// parseValue checks a DNSLink value: /ipfs/<cid>[/…] or /ipns/<name or
// domain>[/…]. It returns it with the CID or key name kept as written.
func parseValue(v string) (string, error) {
	v = strings.TrimSpace(v)
	ns, rest, _ := strings.Cut(strings.TrimPrefix(v, "/"), "/")
	root, _, _ := strings.Cut(rest, "/")
	switch {
	case !strings.HasPrefix(v, "/") || root == "":
	case ns == "ipfs":
		if _, err := cid.Decode(root); err == nil {
			return v, nil
		}
	case ns == "ipns":
		if _, err := ipnsrec.NameFromString(root); err == nil || IsDomain(root) {
			return v, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrInvalidRecord, v)
}

// Resolve follows domain's DNSLink through /ipns/<domain> links and
// returns a path that starts /ipfs/<cid> or /ipns/<key name>, with the
// rest of every link's path appended.
func (r *Resolver) Resolve(ctx context.Context, domain string) (string, error) {
	cur, tail := domain, ""
	for range MaxDepth {
		p, err := r.Lookup(ctx, cur)
		if err != nil {
			return "", err
		}
		ns, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
		root, sub, _ := strings.Cut(rest, "/")
		if sub != "" {
			tail = "/" + sub + tail
		}
		if ns == "ipns" && IsDomain(root) {
			cur = root
			continue
		}
		return "/" + ns + "/" + root + tail, nil
	}
	return "", fmt.Errorf("dnslink %s: %w: more than %d links", domain, ErrInvalidRecord, MaxDepth)
}

// ResolveRegistryName returns the IPNS key name (k51…) that s names: s
// itself when it is a key name (in any accepted spelling), else the key
// that s's DNSLink leads to, which must be /ipns/<key> with no subpath.
// It wraps ErrInvalidDomain, ErrNotFound, ErrInvalidRecord or
// ErrNotRegistry. The name is not verified here: the caller checks it
// and its records as for a name given directly.
func (r *Resolver) ResolveRegistryName(ctx context.Context, s string) (string, error) {
	s = strings.TrimPrefix(s, "/ipns/")
	if n, err := ipnsrec.NameFromString(s); err == nil {
		return n.String(), nil
	}
	p, err := r.Resolve(ctx, s)
	if err != nil {
		return "", err
	}
	ns, root, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	n, err := ipnsrec.NameFromString(root)
	if ns != "ipns" || err != nil {
		return "", fmt.Errorf("dnslink %s: %w: %s", s, ErrNotRegistry, p)
	}
	return n.String(), nil
}
