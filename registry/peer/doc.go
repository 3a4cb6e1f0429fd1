// Package peer makes a registry node a peer on the IPFS network itself,
// built from the parts kubo is built from: a go-libp2p host (TCP and
// QUIC, the resource manager, a connection manager), the Amino DHT as
// kubo runs it (go-libp2p-kad-dht's dual WAN/LAN DHT) and a boxo bitswap
// server.
//
// [New] starts the host, the DHT and the bitswap server; [Peer.Run]
// connects to the bootstrap peers and announces, for as long as it runs,
// the registry whose head Config.Head reads:
//
//   - its signed IPNS record is put into the DHT at start, whenever the
//     head's record changes (a publish, a re-signing) and again every
//     [DefaultReput], so that `ipfs name resolve /ipns/k51…` on any peer
//     answers the node's current root;
//   - the CIDs Config.Roots gives for the head (the manifest, index and
//     service blocks, every release's content root) are provided, each
//     again every [DefaultReprovide];
//   - every block of Config.Blocks is served over bitswap to any peer
//     that asks; nothing is ever fetched or written.
//
// The peer signs nothing: the record is the one the home holds, valid
// wherever it is stored. The host's identity is the node's own key (the
// home's node.key), never a registry key.
//
// On loopback only (every listen address a loopback one) the LAN DHT
// keeps loopback addresses, as kubo does with
// Routing.LoopbackAddressesOnLanDHT: that is how peers on one machine
// find each other without a network.
//
//	p, err := peer.New(ctx, peer.Config{Key: nodeKey, Blocks: bs, Head: head, Roots: roots})
//	if err != nil { … }
//	defer p.Close()
//	go p.Run(ctx)
package peer
