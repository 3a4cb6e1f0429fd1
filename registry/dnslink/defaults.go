package dnslink

import "time"

const (
	// DefaultTTL is how long an answer is kept.
	DefaultTTL = time.Minute
	// DefaultTimeout bounds one lookup.
	DefaultTimeout = 5 * time.Second
	// MaxDepth is how many DNSLink links Resolve follows (as boxo namesys).
	MaxDepth = 32
)

// maxEntries bounds the answers kept; domains come from requests.
const maxEntries = 4096
