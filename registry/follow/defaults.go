package follow

// Defaults of ReadThroughConfig.
const (
	// DefaultMaxFetches is how many blocks a ReadThrough fetches from the
	// upstreams at once.
	DefaultMaxFetches = 32
	// DefaultMaxLinks is how many links a ReadThrough remembers (and as
	// many blocks found reached through them) to decide what a followed
	// registry reaches: about 200 bytes each.
	DefaultMaxLinks = 1 << 18
)
