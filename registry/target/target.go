package target

import (
	"context"
	"errors"
	"fmt"
	"sync"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
)

// Target is a registry a command works on.
type Target struct {
	Name     ipnsrec.Name // the registry
	Remote   string       // the remote's NAME, when one named it
	Domain   string       // the domain, when its DNSLink named it
	Gateways []string     // where to fetch it from; none: only what is stored
	Own      bool         // the home holds its key
}

// Remote is a registry followed under a short NAME.
type Remote struct {
	Name     ipnsrec.Name
	Gateways []string
}

// Remotes are the remotes by NAME and the default remote's NAME ("":
// none).
type Remotes struct {
	Named   map[string]Remote
	Default string
}

// Config is what a Resolver knows of the home. Every field may be zero.
type Config struct {
	// Own is the registry whose key the home holds (zero: none).
	Own ipnsrec.Name
	// Remotes returns the configured remotes; it is called once, when an
	// answer depends on them (nil: none).
	Remotes func() (Remotes, error)
	// Heads returns the registries (k51…) whose state the home holds; it
	// is called when nothing names a registry and neither Own nor a
	// default remote answers (nil: none).
	Heads func(context.Context) ([]string, error)
	// DNSLink configures the resolver of domains, made for the first one.
	DNSLink dnslink.Config
	// Gateways, when given, replace a remote's.
	Gateways []string
}

// Resolver turns what a user names into a Target. It is safe for
// concurrent use.
type Resolver struct {
	cfg     Config
	remotes func() (Remotes, error)
	dns     func() (*dnslink.Resolver, error)
}

// New returns a Resolver for cfg.
func New(cfg Config) *Resolver {
	r := &Resolver{cfg: cfg}
	r.remotes = sync.OnceValues(func() (Remotes, error) {
		if cfg.Remotes == nil {
			return Remotes{}, nil
		}
		return cfg.Remotes()
	})
	r.dns = sync.OnceValues(func() (*dnslink.Resolver, error) {
		d, err := dnslink.New(cfg.DNSLink)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrDNSConfig, err)
		}
		return d, nil
	})
	return r
}

// Resolve returns the registry s names: a remote's NAME, an IPNS name or
// a domain with DNSLink; for "" the home's own registry, else the default
// remote, else the one registry whose state the home holds. The errors are
// described in the package documentation.
func (r *Resolver) Resolve(ctx context.Context, s string) (Target, error) {
	if s == "" && r.cfg.Own != (ipnsrec.Name{}) {
		return r.finish(Target{Name: r.cfg.Own}), nil
	}
	rs, err := r.remotes()
	if err != nil {
		return Target{}, err
	}
	if s == "" {
		if rs.Default == "" {
			return r.onlyHead(ctx)
		}
		if _, ok := rs.Named[rs.Default]; !ok {
			return Target{}, fmt.Errorf("default remote %q: %w", rs.Default, ErrUnknownRemote)
		}
		s = rs.Default
	}
	if rm, ok := rs.Named[s]; ok {
		t := r.finish(Target{Name: rm.Name, Remote: s})
		if len(r.cfg.Gateways) == 0 {
			t.Gateways = rm.Gateways
		}
		return t, nil
	}
	t := Target{Domain: s}
	if t.Name, err = ipns.ParseRegistryName(s); err == nil {
		return r.finish(Target{Name: t.Name}), nil
	}
	if !dnslink.IsDomain(s) {
		return Target{}, fmt.Errorf("%q is %w: %w", s, ErrInvalidTarget, err)
	}
	if t.Name, err = r.Domain(ctx, s); err != nil {
		return Target{}, err
	}
	return r.finish(t), nil
}

// Name returns the registry s names without asking the remotes: an IPNS
// name, or a domain with DNSLink. It wraps ipns.ErrInvalidName for
// anything else.
func (r *Resolver) Name(ctx context.Context, s string) (ipnsrec.Name, error) {
	name, err := ipns.ParseRegistryName(s)
	if err == nil || !dnslink.IsDomain(s) {
		return name, err
	}
	return r.Domain(ctx, s)
}

// Domain returns the registry the DNSLink record of domain gives, checked
// as a name given directly would be. Its failures are *DNSLinkError, or
// wrap ErrDNSConfig.
func (r *Resolver) Domain(ctx context.Context, domain string) (ipnsrec.Name, error) {
	d, err := r.dns()
	if err != nil {
		return ipnsrec.Name{}, err
	}
	k, err := d.ResolveRegistryName(ctx, domain)
	if err != nil {
		return ipnsrec.Name{}, &DNSLinkError{Domain: domain, Err: err}
	}
	name, err := ipns.ParseRegistryName(k)
	if err != nil {
		return ipnsrec.Name{}, &DNSLinkError{Domain: domain, Err: err}
	}
	return name, nil
}

// onlyHead answers for a home without a key or default remote: the one
// registry whose state it holds.
func (r *Resolver) onlyHead(ctx context.Context) (Target, error) {
	var heads []string
	if r.cfg.Heads != nil {
		var err error
		if heads, err = r.cfg.Heads(ctx); err != nil {
			return Target{}, err
		}
	}
	if len(heads) != 1 {
		return Target{}, &NoTargetError{Heads: heads}
	}
	name, err := ipns.ParseRegistryName(heads[0])
	if err != nil {
		return Target{}, errors.Join(ErrNoTarget, err)
	}
	return r.finish(Target{Name: name}), nil
}

// finish sets the gateways given and whether t is the home's own.
func (r *Resolver) finish(t Target) Target {
	t.Gateways = r.cfg.Gateways
	t.Own = r.cfg.Own != (ipnsrec.Name{}) && t.Name == r.cfg.Own
	return t
}
