package ipns

import "time"

const (
	// DefaultLifetime is how long a signed record stays valid (its EOL is
	// the signing time plus DefaultLifetime), as in `ipfs name publish`.
	DefaultLifetime = 48 * time.Hour
	// MaxLifetime is the longest lifetime svcreg signs a new state with (a
	// year): a record stays valid, even after its key is stolen and
	// replaced, until the end of its lifetime.
	MaxLifetime = 365 * 24 * time.Hour
	// DefaultTTL is the cache hint stored in signed records.
	DefaultTTL = 5 * time.Minute
)
