// Package peer makes a registry node a peer on the IPFS network itself,
// built from the parts kubo is built from: a go-libp2p host (TCP and
// QUIC, the resource manager, a connection manager), the Amino DHT as
// kubo runs it (go-libp2p-kad-dht's dual WAN/LAN DHT) and boxo's
// bitswap.
//
// [New] starts the host, the DHT and bitswap; [Peer.Run] connects to the
// bootstrap peers and announces, for as long as it runs, the registries
// whose heads Config.Heads reads (the node's own, and those it follows):
//
//   - each signed IPNS record is put into the DHT at start, whenever a
//     head's record changes (a publish, a re-signing, a followed
//     registry's new state) and again every [DefaultReput], so that
//     `ipfs name resolve /ipns/k51…` on any peer answers the current root;
//   - the CIDs Config.Roots gives for each head (the manifest, index and
//     service blocks, every release's content root) are provided, each
//     again [DefaultReprovide] after it was, and listed again every
//     [DefaultRootsEvery]; with [ProvideAll], every block of
//     Config.Blocks too, listed every [DefaultProvideAllEvery];
//   - provides wait in one bounded queue ([DefaultProvideQueue]): a root
//     that finds it full drops the oldest entry (counted), a listing of
//     every block takes only what fits, and what is left out is due
//     again at a later listing;
//   - every block of Config.Blocks is served over bitswap to any peer
//     that asks; nothing a peer sends is written there.
//
// The peer is also a registry.Source ([Peer.Record], [Peer.Block]): a
// follower's registry.Fetcher reads records from the DHT and blocks over
// bitswap through it, and checks them as it checks an HTTP upstream's
// (records verified against the name and the rollback floor, blocks
// hashed against their CIDs, the trust rules). Block re-hashes every
// block itself too: boxo's bitswap computes a received block's CID from
// its bytes, so a tampered block never matches a want, and Block would
// refuse one all the same.
//
// [Peer.Stats] and [Peer.Collectors] report the peer's figures: peers,
// routing tables, provides done, pending and dropped, blocks served and
// fetched.
//
// # Bounds
//
// What peers can make the node hold is bounded: the connection manager's
// water marks, go-libp2p's resource manager with its default limits
// scaled to a fixed budget ([DefaultResourceMemory],
// [DefaultResourceFDs]), and the bitswap server's caps ([MaxWantlist],
// [MaxCIDSize], [MaxOutstandingPerPeer]). Off loopback, the host maps
// its port on the router (UPnP, NAT-PMP) and answers hole punching.
//
// The peer signs nothing: a record is the one the home holds, valid
// wherever it is stored. The host's identity is the node's own key (the
// home's node.key), never a registry key.
//
// On loopback only (every listen address a loopback one) the LAN DHT
// keeps loopback addresses, as kubo does with
// Routing.LoopbackAddressesOnLanDHT: that is how peers on one machine
// find each other without a network.
//
//	p, err := peer.New(ctx, peer.Config{Key: nodeKey, Blocks: bs, Heads: heads, Roots: roots})
//	if err != nil { … }
//	defer p.Close()
//	go p.Run(ctx)
//
// # What it links
//
// svcreg is one binary, so every package this one links runs its init
// in every command, not only in `serve --p2p`. The host is therefore put
// together from go-libp2p's parts (host.go: swarm, upgrader, TCP, QUIC,
// TLS, Noise, yamux, the basic host), as libp2p.New would with these
// options, and never through go-libp2p's root package, which links every
// transport it has (WebRTC, WebTransport, WebSocket) and fx.
package peer
