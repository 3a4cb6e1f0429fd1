// Package node is a registry node: what svcreg serve runs. [New]
// assembles one from an opened home (registry/home) and typed settings —
// the registries followed, already resolved ([ResolveFollow] resolves
// them as --follow does), the replicas, the registry /svc/ resolves in,
// the mirror mode, the limits — and [Node.Serve] runs it on a listener
// until its context ends:
//
//   - a follow.Node that follows, mirrors, re-signs and replicates the
//     registries it keeps, over a bolt.Transient of the home's index;
//   - the block store served: the home's, read through the followed
//     registries' upstreams (follow.ReadThrough) when it follows any;
//   - the node's identity (gateway.NodeProvider, the home's node.key)
//     and the HTTP gateway (registry/gateway) with /healthz and /metrics;
//   - with a storage cap, maint.KeepStorage;
//   - with Config.P2P, the node's peer on the IPFS network
//     (registry/peer), beside the HTTP gateway on the same home: the
//     node's identity, the home's blocks over bitswap, the records and
//     roots of the own registry and of the followed ones announced in
//     the DHT; the peer is a source of every followed registry (after
//     its upstreams, or alone: [ResolveFollowWith] with
//     FollowOptions.P2P), and its figures are in /healthz and /metrics.
//
// The package sits above registry/gateway, registry/follow,
// registry/maint and registry/peer. Its errors are typed values without
// CLI words: the caller gives them hints and exit codes.
package node
