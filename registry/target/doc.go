// Package target answers one question for every command and for
// svcreg serve: which registry does the user mean, and where may it be
// fetched from.
//
// # What names a registry
//
// A Resolver turns what a user writes into a Target, a registry's IPNS
// name (boxo's ipns.Name, parsed here once) and the gateways that go with
// it:
//
//   - the NAME of a remote (config.json's "remotes"): its registry and
//     gateways;
//   - an IPNS name in any spelling ParseRegistryName of registry/ipns
//     accepts (k51…, /ipns/k51…, 12D3KooW…);
//   - a domain whose DNSLink record (registry/dnslink: a static map, then
//     DNS) gives /ipns/k51…; the name is then checked as if given directly;
//   - nothing: the home's own registry (it holds the key), else the
//     default remote, else the one registry whose state the home holds
//     (a home filled by svcreg import).
//
// Gateways given with the question (--gateway, --upstream) replace a
// remote's.
//
// A Resolver asks for what it needs only when the answer depends on it:
// the remotes when no own registry answers, the heads when neither a
// remote nor an own registry does, DNS only for a domain. So a home with
// its own key is not stopped by a damaged config file, nor any command by
// a DNSLink setting it does not use.
//
// # Errors
//
// Something that is neither a remote, an IPNS name nor a domain wraps
// ErrInvalidTarget (and the parse error, which wraps ipns.ErrInvalidName);
// a domain that does not lead to a registry is a *DNSLinkError (keeping
// dnslink's ErrNotFound, ErrInvalidRecord, ErrNotRegistry or the lookup's
// failure); an unusable DNSLink setting wraps ErrDNSConfig; nothing named
// where the home names nothing is a *NoTargetError (ErrNoTarget); a
// default remote that is not among the remotes wraps ErrUnknownRemote.
//
// # Example
//
//	r := target.New(target.Config{Own: own, Remotes: loadRemotes,
//		DNSLink: dnslink.Config{NSMap: os.Getenv("SVCREG_NS_MAP")}})
//	t, err := r.Resolve(ctx, "registry.example.com")
//	// t.Name is the k51… name the domain's DNSLink gives
package target
