package peer

import "time"

// DefaultPort is the port the peer listens on by default, TCP and UDP
// (QUIC): kubo's 4001 plus one, so that a node runs beside a kubo on one
// machine.
const DefaultPort = 4002

// DefaultListen are the addresses the peer listens on when
// Config.Listen is empty: TCP and QUIC on DefaultPort, every interface.
var DefaultListen = []string{
	"/ip4/0.0.0.0/tcp/4002",
	"/ip6/::/tcp/4002",
	"/ip4/0.0.0.0/udp/4002/quic-v1",
	"/ip6/::/udp/4002/quic-v1",
}

// Connection manager defaults, kubo's (Swarm.ConnMgr): trimming starts
// above DefaultConnHigh connections and goes down to DefaultConnLow;
// connections younger than DefaultConnGrace are kept.
const (
	DefaultConnLow   = 32
	DefaultConnHigh  = 96
	DefaultConnGrace = 20 * time.Second
)

const (
	// DefaultPoll is how often Run reads the head to notice a change.
	DefaultPoll = time.Second
	// DefaultReput is how often an unchanged record is put into the DHT
	// again (kubo's Ipns.RepublishPeriod): DHT peers drop values 48 h
	// after they got them.
	DefaultReput = 4 * time.Hour
	// DefaultReprovide is how often a CID is provided again (kubo's
	// Provide.DHT.Interval): provider records live 48 h.
	DefaultReprovide = 22 * time.Hour
	// DefaultConnectTimeout bounds each dial of a bootstrap peer.
	DefaultConnectTimeout = 30 * time.Second
	// DefaultFetchTimeout bounds one record lookup in the DHT and one
	// block fetched over bitswap (Peer.Record, Peer.Block).
	DefaultFetchTimeout = 30 * time.Second
	// DefaultRootsEvery is how often the CIDs provided for an unchanged
	// head are listed again: a followed registry's blocks arrive after
	// its head moved, as the mirror fetches them.
	DefaultRootsEvery = time.Minute
)

// MaxBlockSize is the largest block Peer.Block returns: bitswap's and
// kubo's limit.
const MaxBlockSize = 2 << 20

// Providing (Config.Provide, Config.ProvideQueue).
const (
	// DefaultProvideQueue caps the CIDs waiting to be provided: a full
	// queue drops its oldest entry for a new one (counted in
	// Stats.ProvidesDropped), and a listing of every block (ProvideAll)
	// fills it only as far as it has room, the rest waiting for the next
	// listing. About 150 bytes an entry: 2.4 MiB at most.
	DefaultProvideQueue = 16384
	// DefaultProvideAllEvery is how often ProvideAll lists every block
	// of the store to find those not provided yet or due again.
	DefaultProvideAllEvery = 10 * time.Minute
	// DefaultProvideWorkers is how many provides run at once.
	DefaultProvideWorkers = 8
)

// Bitswap server bounds: what one peer can make the node hold or do
// (boxo's bitswap/server options; the first three are boxo's defaults,
// stated here so that they do not move with boxo).
const (
	// MaxWantlist caps the wantlist entries kept per peer: a longer
	// wantlist is cut, the entries for blocks the node has kept first.
	MaxWantlist = 1024
	// MaxCIDSize is the largest CID (bytes) a want may name; a larger
	// one is ignored.
	MaxCIDSize = 168
	// MaxOutstandingPerPeer caps the bytes of blocks queued for one
	// peer at a time.
	MaxOutstandingPerPeer = 1 << 20
	// TargetMessageSize is the size bitswap aims at for each message.
	TargetMessageSize = 16 << 10
	// BitswapWorkers is how many goroutines send blocks, and
	// BlockstoreWorkers how many read the store, at once (boxo's
	// defaults are 8 and 128).
	BitswapWorkers    = 8
	BlockstoreWorkers = 16
)

// Resource manager (go-libp2p's rcmgr) budget: its default limits
// scaled to DefaultResourceMemory and DefaultResourceFDs rather than to
// the machine, so the bounds are the same everywhere. At these values
// (docs/NODE.md): 192 connections (96 inbound), 3072 streams, 640 MiB
// of buffers in all; per peer 8 connections, 640 streams (320 inbound),
// 128 MiB; 80 connections (40 inbound) still in their handshake. A
// Config.ConnHigh above 192 raises the system's connections to twice
// it, ConnHigh of them inbound.
const (
	DefaultResourceMemory = 512 << 20
	DefaultResourceFDs    = 1024
)
