package dnslink

import "errors"

// ErrNotFound is returned when a domain has no DNSLink record.
var ErrNotFound = errors.New("no dnslink record")

// ErrInvalidRecord is returned when a DNSLink record names no valid
// /ipfs/ or /ipns/ path, or links go deeper than MaxDepth.
var ErrInvalidRecord = errors.New("invalid dnslink record")

// ErrNotRegistry is returned by ResolveRegistryName when a domain's
// DNSLink names content (/ipfs/) rather than an IPNS name.
var ErrNotRegistry = errors.New("dnslink does not name an ipns key")

// ErrInvalidDomain is returned for a string that is not a domain name.
var ErrInvalidDomain = errors.New("not a domain name")
