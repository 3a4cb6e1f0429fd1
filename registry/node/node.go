package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/maint"
	"github.com/svcreg/svcreg/registry/peer"
	"github.com/svcreg/svcreg/registry/target"
)

// Config is what New builds a Node from. Home is required; a zero value
// elsewhere means its default.
type Config struct {
	// Home is the opened home the node serves; it stays open (the
	// caller's to close) while the node runs.
	Home *home.Home
	// Follow are the registries followed, mirrored and served, each with
	// the upstreams it is read from (ResolveFollow).
	Follow []target.Target
	// Replicas are the kubo nodes every registry kept is pushed to
	// (home.Config.ReplicaList).
	Replicas []follow.Replica
	// Registry is the registry /svc/ resolves in. Zero: the home's own
	// when it holds the key, else the one registry followed when it
	// follows one, else none (/svc/ answers 404).
	Registry ipnsrec.Name
	Mirror   follow.Mirror // what is kept of the registries followed
	// FetchAny and MaxFetches configure the read-through store
	// (follow.ReadThroughConfig).
	FetchAny   bool
	MaxFetches int
	// Timeout bounds each request to an upstream; UserAgent is sent with
	// every one.
	Timeout   time.Duration
	UserAgent string
	// MaxStale, SubdomainHosts, DNSLink, NoDNSLink and MaxResponseSize
	// are the gateway's (gateway.Config).
	MaxStale        time.Duration
	SubdomainHosts  []string
	DNSLink         *dnslink.Resolver
	NoDNSLink       bool
	MaxResponseSize int64
	// PublicURL is where clients reach the node, announced in
	// /routing/v1/providers (default: the listen address).
	PublicURL string
	// MaxConns bounds the connections served at once (0: half the
	// open-file limit; gateway.Server.Serve).
	MaxConns int
	// StorageMax, when above 0, runs gc whenever the blocks take more
	// bytes (maint.KeepStorage); the home must then be writable.
	StorageMax int64
	Logger     *slog.Logger // nil: discard
	// Metrics receives the node's and the gateway's metrics and is what
	// /metrics serves. Nil: a registry of the node's own.
	Metrics *prometheus.Registry
	// P2P, when not nil, makes the node a peer on the IPFS network as
	// well (registry/peer): Serve starts it with the node's identity, the
	// home's blocks, the own registry (when the home holds its key) and
	// the followed ones announced; Key and Blocks are filled in by the
	// node, and Heads and Roots when nil. The peer is a source of every
	// followed registry too, beside its upstreams (after them): records
	// from the DHT, blocks over bitswap, checked as the upstreams' are.
	P2P *peer.Config
}

// Node is a registry node built by New; Serve runs it.
type Node struct {
	cfg      Config
	follow   *follow.Node
	blocks   gateway.Store
	registry ipnsrec.Name
	key      *ipns.Key  // the own registry's key; nil: none
	peer     *peer.Peer // the peer Serve started (Config.P2P)
	source   *peerSource
}

// New builds the node cfg describes, refusing before anything listens
// what it could not serve: a home with no registry and nothing followed
// (an error wrapping registry.ErrNoHead), a storage cap on a read-only
// home (a *home.ReadOnlyError), a key the home refuses to load, an
// upstream URL that cannot be used (follow.ErrBadUpstream).
func New(cfg Config) (*Node, error) {
	h := cfg.Home
	if len(cfg.Follow) == 0 && (!h.HasIndex() || !h.HasBlocks()) {
		return nil, fmt.Errorf("%w: no registry in %s", registry.ErrNoHead, h.Dir())
	}
	if cfg.StorageMax > 0 {
		if err := h.RequireWritable(); err != nil {
			return nil, err
		}
	}
	key, err := h.Key()
	if err != nil && !errors.Is(err, home.ErrNoKey) {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = prometheus.NewRegistry()
	}
	src := &peerSource{}
	var sources []registry.Source
	if cfg.P2P != nil {
		sources = []registry.Source{src}
	}
	fn, err := follow.NewNode(follow.NodeConfig{
		Blocks: h.Blocks(), Index: bolt.NewTransient(h.IndexPath(), nil), Key: key,
		Follow: cfg.Follow, Sources: sources, Replicas: cfg.Replicas, Mirror: cfg.Mirror,
		Timeout: cfg.Timeout, UserAgent: cfg.UserAgent, Logger: cfg.Logger, Metrics: cfg.Metrics,
	})
	if err != nil {
		return nil, err
	}
	n := &Node{cfg: cfg, follow: fn, blocks: h.Blocks(), registry: cfg.Registry, key: key, source: src}
	if n.registry == (ipnsrec.Name{}) {
		n.registry = fn.Registry()
	}
	if len(fn.Follow) > 0 {
		n.blocks = follow.NewReadThrough(h.Blocks(), follow.ReadThroughConfig{FetchAny: cfg.FetchAny, MaxFetches: cfg.MaxFetches}, fn.Follow...)
	}
	return n, nil
}

// Registry is the registry /svc/ resolves in (Config.Registry); zero
// when there is none.
func (n *Node) Registry() ipnsrec.Name { return n.registry }

// Serve serves the node on ln until ctx ends, then lets in-flight
// requests finish (gateway.Server.Serve) and stops the node's loops.
// It first reports the stored state of every registry kept, so /healthz
// and /metrics tell it from the first request, and builds the gateway:
// a damaged index, or a Config.PublicURL that is not an http(s) server's
// root (wrapping gateway.ErrPublicURL), fails here. ready, when not nil,
// is called once the node is about to accept connections.
func (n *Node) Serve(ctx context.Context, ln net.Listener, ready func()) error {
	cfg, h := n.cfg, n.cfg.Home
	n.follow.Restore(ctx)
	provider, err := gateway.NodeProvider(h.NodeKeyPath(), cfg.PublicURL, ln.Addr())
	if err != nil {
		return err
	}
	srv, err := gateway.New(gateway.Config{
		Blocks: n.blocks, IndexPath: h.IndexPath(), Registry: n.registry, MaxStale: cfg.MaxStale,
		SubdomainHosts: cfg.SubdomainHosts, DNSLink: cfg.DNSLink, NoDNSLink: cfg.NoDNSLink, RecordsDir: h.RecordsDir(),
		Logger: cfg.Logger, Metrics: cfg.Metrics, Provider: provider, MaxResponseSize: cfg.MaxResponseSize,
		NodePaths: n.follow.Handlers(cfg.Metrics),
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if cfg.P2P != nil {
		p, err := n.startPeer(ctx)
		if err != nil {
			return err
		}
		defer p.Close()
		wg.Go(func() { p.Run(ctx) })
	}
	wg.Go(func() { n.follow.Run(ctx) })
	if cfg.StorageMax > 0 {
		keep := maint.KeepOptions{
			GC:  maint.GCOptions{Blocks: h.Blocks(), IndexPath: h.IndexPath(), Grace: maint.DefaultGrace},
			Max: cfg.StorageMax, Logger: cfg.Logger,
		}
		wg.Go(func() { maint.KeepStorage(ctx, keep) })
	}
	if ready != nil {
		ready()
	}
	err = srv.Serve(ctx, ln, cfg.MaxConns)
	cancel()
	wg.Wait()
	return err
}
