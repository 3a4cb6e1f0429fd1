package gateway

// What the external tests (package gateway_test) read of the package's
// internals.

const (
	DefaultMaxBodies       = defaultMaxBodies
	DefaultMaxClientBodies = defaultMaxClientBodies
	DefaultBodyTimeout     = defaultBodyTimeout
	DefaultMaxBodySize     = defaultMaxBodySize
)

type (
	BrowseIndex    = browseIndex
	BrowseRegistry = browseRegistry
	BrowseService  = browseService
)

var (
	ReleaseHost  = releaseHost
	ProviderAddr = providerAddr
)

// Replayed returns how many answers s replayed (answers.go).
func Replayed(s *Server) uint64 { return s.answers.served.Load() }
