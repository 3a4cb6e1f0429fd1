// Package dnslink resolves DNSLink names: a domain whose TXT record at
// _dnslink.<domain> reads "dnslink=/ipns/<name>" or "dnslink=/ipfs/<cid>".
// The gateway uses it to serve /ipns/<domain>/ and Host: <domain>; the
// command line uses it so that a registry may be named by a domain
// (ResolveRegistryName), whose k51… name is then verified as any other.
//
// # Sources
//
// A Resolver answers from a static map first, in the format of kubo's
// IPFS_NS_MAP (svcreg reads it from SVCREG_NS_MAP):
//
//	registry.example.com:/ipns/k51…,other.test:/ipfs/bafy…
//
// and then from DNS: the system's resolver, or the server named by
// Config.Server (HOST:PORT; svcreg's SVCREG_DNS_RESOLVER and
// --dns-resolver), asked over UDP with a TCP retry for long answers.
// Answers, and the absence of a record, are kept for Config.TTL
// (DefaultTTL); failures (no answer within Config.Timeout, a server
// error, an invalid record) for Config.FailTTL (DefaultFailTTL), so a
// DNS server that never answers costs one Timeout per domain and
// FailTTL, however many requests ask meanwhile: concurrent lookups of a
// domain share one question. At most a few thousand domains are kept.
//
// # Rules
//
// Of several dnslink= TXT strings the smallest valid one in byte order
// wins, so every resolver picks the same. A value names /ipfs/<cid>,
// /ipns/<key name> or /ipns/<another domain>; Resolve follows the
// domains up to MaxDepth links. A domain without a record wraps
// ErrNotFound; a record that names nothing valid wraps ErrInvalidRecord.
//
// # Example
//
//	r, err := dnslink.New(dnslink.Config{NSMap: os.Getenv("SVCREG_NS_MAP")})
//	if err != nil { … }
//	name, err := r.ResolveRegistryName(ctx, "registry.example.com") // k51…
package dnslink
