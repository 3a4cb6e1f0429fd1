package node

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ipfs/go-cid"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/peer"
)

// startPeer starts the node's peer on the IPFS network (Config.P2P):
// the node's identity (the home's node.key, made by gateway.NodeProvider
// before), the home's own blocks served over bitswap, and the own
// registry, when the home holds its key, announced.
func (n *Node) startPeer(ctx context.Context) (*peer.Peer, error) {
	h := n.cfg.Home
	k, err := ipns.LoadKey(h.NodeKeyPath())
	if err != nil {
		return nil, fmt.Errorf("node identity: %w", err)
	}
	pc := *n.cfg.P2P
	pc.Key, pc.Blocks = k.PrivKey(), h.Blocks().Blockstore()
	if pc.Logger == nil {
		pc.Logger = n.cfg.Logger
	}
	if n.key != nil && pc.Head == nil {
		index, name := bolt.NewTransient(h.IndexPath(), nil), n.key.Name()
		pc.Head = func(ctx context.Context) (registry.Head, error) { return index.Head(ctx, name) }
		pc.Roots = n.roots
	}
	p, err := peer.New(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	n.peer = p
	return p, nil
}

// roots returns what the peer provides for a head of the own registry:
// the manifest root first, then the registry's other blocks of every
// state and every release's content root.
func (n *Node) roots(ctx context.Context, head registry.Head) ([]cid.Cid, error) {
	reach, err := car.Reachable(ctx, n.cfg.Home.Blocks(), head.Root, func(c cid.Cid) bool { return c.Prefix().Codec == cid.DagCBOR })
	if err != nil {
		return nil, err
	}
	out := []cid.Cid{head.Root}
	for c := range reach {
		if !c.Equals(head.Root) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out[1:], func(a, b cid.Cid) int { return strings.Compare(a.KeyString(), b.KeyString()) })
	return out, nil
}

// PeerAddrs returns the addresses of the node's peer on the IPFS network,
// each ending in /p2p/ID; nil without Config.P2P or before Serve starts
// it.
func (n *Node) PeerAddrs() []ma.Multiaddr {
	if n.peer == nil {
		return nil
	}
	return n.peer.Addrs()
}
