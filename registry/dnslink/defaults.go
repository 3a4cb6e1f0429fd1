package dnslink

import "time"

const (
	// DefaultTTL is how long an answer (a record, or that there is none)
	// is kept.
	DefaultTTL = time.Minute
	// DefaultFailTTL is how long a failed lookup (no answer in time, a
	// server error, an invalid record) is kept: requests for the domain
	// fail at once meanwhile instead of each waiting for DNS again.
	DefaultFailTTL = 15 * time.Second
	// DefaultTimeout bounds one lookup.
	DefaultTimeout = 3 * time.Second
	// MaxDepth is how many DNSLink links Resolve follows (as boxo namesys).
	MaxDepth = 32
)

// maxEntries bounds the answers kept; domains come from requests.
const maxEntries = 4096
