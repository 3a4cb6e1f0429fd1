package target

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidTarget is returned by Resolve for a string that is neither a
// remote's NAME, an IPNS name nor a domain.
var ErrInvalidTarget = errors.New("neither a remote nor a registry name")

// ErrUnknownRemote is returned when the default remote is not among the
// remotes.
var ErrUnknownRemote = errors.New("no such remote")

// ErrDNSConfig is returned when the DNSLink configuration (the static map
// or the DNS server's address) cannot be used.
var ErrDNSConfig = errors.New("invalid dnslink configuration")

// ErrNoTarget is returned (as a *NoTargetError) when nothing names a
// registry and the home names none either.
var ErrNoTarget = errors.New("no registry named")

// DNSLinkError is returned when a domain does not lead to a registry:
// Err is dnslink's ErrNotFound, ErrInvalidRecord or ErrNotRegistry, the
// lookup's failure, or the parse error of the name the record gives.
type DNSLinkError struct {
	Domain string
	Err    error
}

func (e *DNSLinkError) Error() string { return "registry " + e.Domain + ": " + e.Err.Error() }

// Unwrap returns e.Err.
func (e *DNSLinkError) Unwrap() error { return e.Err }

// NoTargetError is returned by Resolve when nothing names a registry, the
// home holds no key and has no default remote, and its index holds the
// states of no registry or of several (Heads, k51… names).
type NoTargetError struct {
	Heads []string
}

func (e *NoTargetError) Error() string {
	if len(e.Heads) == 0 {
		return "no registry of its own, no default remote, and no registry's state"
	}
	return fmt.Sprintf("no registry of its own and no default remote, but the states of %d registries: %s",
		len(e.Heads), strings.Join(e.Heads, ", "))
}

// Unwrap returns ErrNoTarget.
func (e *NoTargetError) Unwrap() error { return ErrNoTarget }
