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
