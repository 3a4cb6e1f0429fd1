package gateway

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/gateway"
	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/routing/http/server"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcreg/svcreg/internal/readonly"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/dnslink"
)

// Store is the block store the server reads: registry.Blocks for the
// manifest, and a boxo blockstore over the same blocks for the gateway.
// Both must verify every block they return (registry/flatfs does).
type Store interface {
	registry.Blocks
	Blockstore() blockstore.Blockstore
}

// Config configures New. Blocks and IndexPath are required; a zero
// value means its default.
type Config struct {
	Blocks    Store
	IndexPath string // the bbolt index file (registry/bolt)
	// Registry is the registry whose services /svc/ resolves, usually the
	// home's own (registry/target gives it). Zero: /svc/ answers 404.
	Registry ipnsrec.Name
	// MaxStale is how long a head read from the index is used without
	// re-reading it when the index file looks unchanged (DefaultMaxStale).
	MaxStale time.Duration
	// ReadWait is how long a re-read waits for another process's lock on
	// the index before the last verified copy is used instead (250ms).
	ReadWait time.Duration
	// WriteWait is how long a PUT of a record waits for the index lock
	// (10s, as long as an interactive svcreg command would wait).
	WriteWait time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
	// SubdomainHosts are host names (no port) served as kubo's subdomain
	// gateways: <cid>.ipfs.HOST, <name>.ipns.HOST and the release origins
	// <version>.<service>.<registry>.svc.HOST, with /ipfs/, /ipns/ and
	// /svc/ requests on HOST redirected there. "localhost" always is one,
	// as in kubo, and a browser's page loads of a release on a loopback
	// address are redirected to its origin under localhost.
	SubdomainHosts []string
	// NodePaths are answered (GET and HEAD, the path exactly) on the
	// node's own host only: never on a release's, a root's or a DNSLink
	// site's origin, whose own files of those names they would hide.
	// svcreg serve puts /healthz and /metrics here.
	NodePaths map[string]http.Handler
	// RecordsDir keeps the records of names this home does not follow
	// (PUT /routing/v1/ipns/NAME), served but never adopted as heads.
	// Empty: such records are refused (403).
	RecordsDir string
	// MaxRecords bounds the records kept in RecordsDir (10,000, about
	// 100 MB): past it, expired ones go, then the one closest to its end
	// of life; a new name that would be that one is refused with 507.
	MaxRecords int
	// DNSLink resolves /ipns/<domain> and Host: <domain>; nil: DNSLink
	// is not served.
	DNSLink *dnslink.Resolver
	// NoDNSLink, as kubo's Gateway.NoDNSLink, never looks up the Host of
	// a request: every host is a path gateway (or a subdomain one), and
	// DNSLink is served only as /ipns/<domain>.
	NoDNSLink bool
	// MaxBodies, MaxClientBodies, BodyTimeout and MaxBodySize bound
	// requests with a body (PUTs of records): how many are read at once
	// (32; more are answered 503), how many of them from one client
	// address, an IPv6 /64 (4), how long reading one may take (2s) and
	// how large it may be (64 KiB; a record is at most 10 KiB).
	MaxBodies       int
	MaxClientBodies int
	BodyTimeout     time.Duration
	MaxBodySize     int64
	// PutRate and PutBurst bound the PUTs of one client address: PutBurst
	// at once (100), then PutRate a second (10); more are answered 429.
	PutRate  float64
	PutBurst int
	// Provider, when set, is announced in /routing/v1/providers answers
	// for the blocks this server holds, and in /routing/v1/peers for its
	// own ID, so that verifying clients (Helia's verified-fetch) find it.
	Provider *Provider
	// MaxResponseSize bounds the body bytes of one response (a file, a
	// ?format=tar or car stream): a small DAG can expand into any number
	// of bytes. Past it the connection is aborted (DefaultMaxResponseSize).
	MaxResponseSize int64
	// Metrics receives boxo's Prometheus metrics; nil means a private
	// registry, so that several servers can live in one process.
	Metrics prometheus.Registerer
}

// Server is the HTTP handler described in the package documentation.
type Server struct {
	blocks    Store
	indexPath string
	writeWait time.Duration
	now       func() time.Time
	log       *slog.Logger
	heads     *heads
	reg       *registry.Registry // nil without Config.Registry
	gw        http.Handler       // boxo's path gateway handler
	host      http.Handler       // subdomain handling around the /ipfs/ and /ipns/ mux
	routing   http.Handler
	registry  ipnsrec.Name // Config.Registry
	bodies    *bodyLimits
	puts      *rateLimits
	provider  *Provider
	subHosts  []string // localhost and Config.SubdomainHosts, lower case
	nodePaths map[string]http.Handler
	dnslink   *dnslink.Resolver
	noDNSHost bool         // Config.NoDNSLink
	records   *records     // nil without Config.RecordsDir
	csp       string       // of the browse pages
	capped    http.Handler // serve, its responses capped (stream.go)
	answers   *answers     // boxo's answers replayed (answers.go)
}

var _ http.Handler = (*Server)(nil)

// New returns a Server for cfg. It keeps nothing open: the index is read
// on demand (see the package documentation). New opens the index once,
// read-only, so that a damaged one is refused at start rather than on
// every request; a missing index, or one another process has locked, is
// no error.
func New(cfg Config) (*Server, error) {
	if cfg.Blocks == nil || cfg.IndexPath == "" {
		return nil, errors.New("new gateway: blocks and index path are required")
	}
	if err := checkIndex(cfg.IndexPath); err != nil {
		return nil, err
	}
	s := &Server{
		blocks: cfg.Blocks, indexPath: cfg.IndexPath, writeWait: orDefault(cfg.WriteWait, defaultWriteWait),
		now: cfg.Now, log: cfg.Logger, dnslink: cfg.DNSLink, noDNSHost: cfg.NoDNSLink, provider: cfg.Provider, nodePaths: cfg.NodePaths,
		subHosts: []string{localhost},
	}
	for _, h := range cfg.SubdomainHosts {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h == "" || strings.ContainsAny(h, ":/") {
			return nil, fmt.Errorf("new gateway: subdomain host %q: want a host name without port", h)
		}
		if !slices.Contains(s.subHosts, h) {
			s.subHosts = append(s.subHosts, h)
		}
	}
	s.csp = browseCSP()
	s.bodies = newBodyLimits(cmp.Or(cfg.MaxBodies, defaultMaxBodies), cmp.Or(cfg.MaxClientBodies, defaultMaxClientBodies),
		orDefault(cfg.BodyTimeout, defaultBodyTimeout), cmp.Or(cfg.MaxBodySize, defaultMaxBodySize))
	s.puts = newRateLimits(cmp.Or(cfg.PutRate, defaultPutRate), cmp.Or(cfg.PutBurst, defaultPutBurst))
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if cfg.RecordsDir != "" {
		s.records = &records{dir: cfg.RecordsDir, max: cmp.Or(cfg.MaxRecords, defaultMaxRecords), now: s.now}
	}
	s.capped = streamCap{next: http.HandlerFunc(s.serve), max: cmp.Or(cfg.MaxResponseSize, DefaultMaxResponseSize), log: s.log}
	s.heads = &heads{
		path: cfg.IndexPath, maxStale: orDefault(cfg.MaxStale, DefaultMaxStale), readWait: orDefault(cfg.ReadWait, defaultReadWait),
		now: s.now, log: s.log, m: map[ipnsrec.Name]*headEntry{},
	}
	if cfg.Registry != (ipnsrec.Name{}) {
		if err := checkRegistryName(cfg.Registry); err != nil {
			return nil, fmt.Errorf("new gateway: %w", err)
		}
		s.registry = cfg.Registry
		reg, err := s.newRegistry(cfg.Registry)
		if err != nil {
			return nil, fmt.Errorf("new gateway: %w", err)
		}
		s.reg = reg
	}
	metrics := cfg.Metrics
	if metrics == nil {
		metrics = prometheus.NewRegistry()
	}
	if err := s.wire(metrics); err != nil {
		return nil, fmt.Errorf("new gateway: %w", err)
	}
	return s, nil
}

// wire builds the boxo handlers.
func (s *Server) wire(metrics prometheus.Registerer) error {
	// nil exchange: local blocks only; identity CIDs carry their block.
	bs := newParallelBlocks(blockservice.New(readonly.Blockstore{Blockstore: blockstore.NewIdStore(s.blocks.Blockstore()), Err: errReadOnly}, nil))
	into, _ := s.blocks.(blockInto)
	blocksBackend, err := gateway.NewBlocksBackend(bs,
		gateway.WithNameSystem(nameSystem{s}), gateway.WithValueStore(valueStore{s}))
	if err != nil {
		return err
	}
	backend := newResolvedBackend(blocksBackend, bs, into)    // resolved.go
	s.answers = newAnswers(backend, bs.Blockstore(), metrics) // before boxo registers its metrics
	conf := gateway.Config{
		DeserializedResponses: true,
		NoDNSLink:             s.dnslink == nil || s.noDNSHost,
		// As kubo: localhost is a subdomain gateway, other hosts are path gateways.
		PublicGateways:        s.publicGateways(),
		MaxConcurrentRequests: gateway.DefaultMaxConcurrentRequests,
		DiagnosticServiceURL:  "", // loopback: no third-party links in error pages
		MetricsRegistry:       metrics,
	}
	cors := gateway.NewHeaders(nil).ApplyCors()
	s.gw = cors.Wrap(gateway.NewHandler(conf, backend))
	mux := http.NewServeMux()
	mux.Handle("/ipfs/", s.gw)
	mux.Handle("/ipns/", s.gw)
	mux.HandleFunc("/{$}", s.serveBrowse)
	s.host = gateway.NewHostnameHandler(conf, backend, mux)
	s.routing = withRoutingCORS(withRouteStatus(server.Handler(router{s}, server.WithPrometheusRegistry(metrics))))
	return nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.capped.ServeHTTP(w, r) }

// serve answers r.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		// As kubo: a client that uses this server as an HTTP proxy opens a
		// tunnel to it, then sends its requests (with their Host) through.
		w.WriteHeader(http.StatusOK)
		return
	}
	if !s.limitPuts(w, r) {
		return
	}
	r, ok := s.bodies.read(w, r)
	if !ok {
		return
	}
	if o, ok, err := s.releaseOf(r.Host); ok {
		if err != nil {
			writeError(w, err)
			return
		}
		s.serveRelease(w, r, o)
		return
	}
	if s.redirectReleasePath(w, r) {
		return
	}
	if !isSubdomainHost(r.Host) && !s.isDNSLinkHost(r.Context(), r.Host) {
		if h, ok := s.nodePaths[r.URL.Path]; ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			h.ServeHTTP(w, r)
			return
		}
		switch {
		case strings.HasPrefix(r.URL.Path, svcPrefix):
			s.serveSvc(w, r)
			return
		case strings.HasPrefix(r.URL.Path, browsePrefix):
			s.serveBrowse(w, r)
			return
		case strings.HasPrefix(r.URL.Path, "/routing/v1/"):
			s.routing.ServeHTTP(w, r)
			return
		}
		s.answers.serve(w, r, s.host)
		return
	}
	s.host.ServeHTTP(w, r)
}

// isSubdomainHost reports whether host names a root on the subdomain
// gateway (<cid>.ipfs.localhost, <name>.ipns.localhost): there every path
// belongs to that root.
func isSubdomainHost(host string) bool {
	if strings.Contains(host, ":") { // else SplitHostPort fails, allocating its error
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	return strings.Contains(host, ".ipfs.") || strings.Contains(host, ".ipns.")
}

// checkIndex opens the index at path read-only, without waiting for a
// lock, and closes it again.
func checkIndex(path string) error {
	c, err := bolt.Open(path, &bolt.Options{ReadOnly: true, Timeout: -1})
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, bolt.ErrLocked) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.Close()
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
