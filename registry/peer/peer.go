package peer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/ipfs/boxo/bitswap"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p-kad-dht/dual"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/routing"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"

	"github.com/svcreg/svcreg/internal/readonly"
	"github.com/svcreg/svcreg/registry"
)

// Config is what New builds a Peer from. Key and Blocks are required; a
// zero value elsewhere means its default.
type Config struct {
	// Key is the host's identity: the node's own key, never a registry's.
	Key crypto.PrivKey
	// Listen are the addresses to listen on (default DefaultListen).
	Listen []ma.Multiaddr
	// Bootstrap are the peers joined at start and whenever the DHT runs
	// low on peers. Nil: the Amino bootstrap peers (kubo's default list);
	// empty and not nil: none.
	Bootstrap []lpeer.AddrInfo
	// ConnLow and ConnHigh are the connection manager's water marks
	// (default DefaultConnLow, DefaultConnHigh).
	ConnLow, ConnHigh int
	// Blocks are served over bitswap, read only. They must verify every
	// block they return (registry/flatfs does).
	Blocks blockstore.Blockstore
	// Heads returns the heads of the registries announced (each one's
	// record put into the DHT, its Roots provided): the own registry's
	// and those of the registries followed that the node holds. Nil: no
	// registry is announced.
	Heads func(ctx context.Context) ([]registry.Head, error)
	// Roots returns the CIDs provided for a head (nil: its root only).
	Roots func(ctx context.Context, h registry.Head) ([]cid.Cid, error)
	// Provide is what is provided: the roots (the default) or every
	// block of Blocks.
	Provide Provide
	// ProvideQueue caps the CIDs waiting to be provided (default
	// DefaultProvideQueue).
	ProvideQueue int
	// ProvideAllEvery is how often ProvideAll lists Blocks (default
	// DefaultProvideAllEvery).
	ProvideAllEvery time.Duration
	// ConnGrace is how long a new connection is kept from trimming
	// (default DefaultConnGrace).
	ConnGrace time.Duration
	// Poll is how often Run reads the heads (default DefaultPoll).
	Poll time.Duration
	// FetchTimeout bounds each record lookup and each block fetch of the
	// peer as a source (Peer.Record, Peer.Block; default
	// DefaultFetchTimeout).
	FetchTimeout time.Duration
	Logger       *slog.Logger // nil: discard
}

// Peer is a running libp2p host with the DHT and bitswap, a server of
// the home's blocks and a client for Block.
type Peer struct {
	cfg   Config
	host  host.Host
	dht   *dual.DHT
	bs    *bitswap.Bitswap
	rt    router        // p.dht, or a test's
	blk   blockGetter   // p.bs, or a test's
	prov  *provider     // the provide queue and its workers
	ready chan struct{} // closed once Run has dialled the bootstrap peers

	fetched atomic.Uint64 // blocks Block returned, verified
}

// router is what Run announces through: the DHT.
type router interface {
	PutValue(ctx context.Context, key string, value []byte, opts ...routing.Option) error
	Provide(ctx context.Context, c cid.Cid, announce bool) error
}

// blockGetter is what Block fetches through: bitswap's client.
type blockGetter interface {
	GetBlock(ctx context.Context, c cid.Cid) (blocks.Block, error)
}

// New starts a peer as cfg says: the host listens, the DHT and the
// bitswap server answer. Nothing is dialled or announced before Run.
// Close stops it.
func New(ctx context.Context, cfg Config) (*Peer, error) {
	if cfg.Key == nil {
		return nil, ErrNoKey
	}
	if cfg.Blocks == nil {
		return nil, ErrNoBlocks
	}
	cfg = withDefaults(cfg)
	h, err := newHost(cfg)
	if err != nil {
		return nil, err
	}
	d, err := dual.New(h, dhtOptions(cfg)...)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start the DHT: %w", err), h.Close())
	}
	// The DHT finds providers for the client; the client never stores
	// what it gets (boxo's bitswap leaves that to its caller), and the
	// server reads the home's blocks only.
	bs := bitswap.New(ctx, bsnet.NewFromIpfsHost(h), d, readonly.Blockstore{Blockstore: cfg.Blocks, Err: errReadOnly}, bitswapOptions()...)
	p := &Peer{cfg: cfg, host: h, dht: d, rt: d, bs: bs, blk: bs, ready: make(chan struct{})}
	p.prov = newProvider(cfg.ProvideQueue, p.provideOne)
	return p, nil
}

// bitswapOptions are the bitswap server's bounds (defaults.go).
func bitswapOptions() []bitswap.Option {
	return []bitswap.Option{
		bitswap.MaxQueuedWantlistEntriesPerPeer(MaxWantlist),
		bitswap.MaxCidSize(MaxCIDSize),
		bitswap.MaxOutstandingBytesPerPeer(MaxOutstandingPerPeer),
		bitswap.WithTargetMessageSize(TargetMessageSize),
		bitswap.TaskWorkerCount(BitswapWorkers),
		bitswap.EngineTaskWorkerCount(BitswapWorkers),
		bitswap.EngineBlockstoreWorkerCount(BlockstoreWorkers),
	}
}

func withDefaults(cfg Config) Config {
	if len(cfg.Listen) == 0 {
		for _, s := range DefaultListen {
			cfg.Listen = append(cfg.Listen, ma.StringCast(s))
		}
	}
	if cfg.Bootstrap == nil {
		cfg.Bootstrap = dht.GetDefaultBootstrapPeerAddrInfos()
	}
	if cfg.ConnLow <= 0 {
		cfg.ConnLow = DefaultConnLow
	}
	if cfg.ConnHigh <= 0 {
		cfg.ConnHigh = max(DefaultConnHigh, cfg.ConnLow)
	}
	if cfg.ProvideQueue <= 0 {
		cfg.ProvideQueue = DefaultProvideQueue
	}
	if cfg.ProvideAllEvery <= 0 {
		cfg.ProvideAllEvery = DefaultProvideAllEvery
	}
	if cfg.ConnGrace <= 0 {
		cfg.ConnGrace = DefaultConnGrace
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.FetchTimeout <= 0 {
		cfg.FetchTimeout = DefaultFetchTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}

// dhtOptions are kubo's dual DHT settings (Routing.Type auto), with the
// bootstrap peers, and loopback addresses kept in the LAN DHT when the
// host listens on loopback only.
func dhtOptions(cfg Config) []dual.Option {
	opts := []dual.Option{dual.DHTOption(dht.Concurrency(10), dht.BootstrapPeers(cfg.Bootstrap...))}
	if loopbackOnly(cfg.Listen) {
		opts = append(opts, dual.LanDHTOption(dht.AddressFilter(nil)))
	}
	return opts
}

// loopbackOnly reports whether every address is a loopback one.
func loopbackOnly(addrs []ma.Multiaddr) bool {
	for _, a := range addrs {
		if !manet.IsIPLoopback(a) {
			return false
		}
	}
	return len(addrs) > 0
}

// ID returns the peer's ID, the node key's.
func (p *Peer) ID() lpeer.ID { return p.host.ID() }

// Addrs returns the addresses the peer listens on, each with /p2p/ID.
func (p *Peer) Addrs() []ma.Multiaddr {
	addrs, err := lpeer.AddrInfoToP2pAddrs(&lpeer.AddrInfo{ID: p.host.ID(), Addrs: p.host.Addrs()})
	if err != nil {
		return nil
	}
	return addrs
}

// Peers returns how many peers the host is connected to.
func (p *Peer) Peers() int { return len(p.host.Network().Peers()) }

// Close stops bitswap, the DHT and the host.
func (p *Peer) Close() error {
	return errors.Join(p.bs.Close(), p.dht.Close(), p.host.Close())
}
