package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ipfs/go-cid"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/peer"
)

// startPeer starts the node's peer on the IPFS network (Config.P2P):
// the node's identity (the home's node.key, made by gateway.NodeProvider
// before), the home's own blocks served over bitswap, the registries
// announced (the own one when the home holds its key, and each followed
// one the home holds a live record of), the peer made a source of the
// followed registries, its figures in /healthz and /metrics.
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
	if pc.Heads == nil {
		pc.Heads = n.heads(bolt.NewTransient(h.IndexPath(), nil))
		pc.Roots = n.roots
	}
	p, err := peer.New(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	for _, c := range p.Collectors() {
		if err := n.cfg.Metrics.Register(c); err != nil {
			return nil, errors.Join(fmt.Errorf("p2p metrics: %w", err), p.Close())
		}
	}
	n.follow.P2P = func() follow.P2P {
		s := p.Stats()
		return follow.P2P{Peers: s.Peers, DHTWAN: s.DHTWAN, DHTLAN: s.DHTLAN, ProvidesDone: s.ProvidesDone,
			ProvidesPending: s.ProvidesPending, ProvidesDropped: s.ProvidesDropped, Provide: s.Provide.String(),
			BlocksServed: s.BlocksServed, BlocksFetched: s.BlocksFetched}
	}
	n.peer = p
	n.source.p.Store(p)
	return p, nil
}

// heads returns the heads the peer announces, read from index: the own
// registry's and each followed registry's, those with a record that is
// live now (a followed registry's expired record is no longer put; the
// own one is re-signed before).
func (n *Node) heads(index *bolt.Transient) func(ctx context.Context) ([]registry.Head, error) {
	var names []string
	if n.key != nil {
		names = append(names, n.key.Name())
	}
	for _, f := range n.follow.Follow {
		names = append(names, f.Name().String())
	}
	return func(ctx context.Context) ([]registry.Head, error) {
		var out []registry.Head
		for _, name := range names {
			h, err := index.Head(ctx, name)
			if errors.Is(err, registry.ErrNoHead) {
				continue
			} else if err != nil {
				return nil, err
			}
			if _, err := ipns.VerifyHead(h, time.Now()); err != nil {
				continue
			}
			out = append(out, h)
		}
		return out, nil
	}
}

// roots returns what the peer provides for a head: the manifest root
// first, then the registry's other blocks of every state and every
// release's content root that the home holds (a followed registry's
// arrive as the mirror fetches them).
func (n *Node) roots(ctx context.Context, head registry.Head) ([]cid.Cid, error) {
	bs := n.cfg.Home.Blocks()
	held := func(c cid.Cid) bool {
		ok, err := bs.Has(ctx, c)
		return err == nil && ok
	}
	reach, err := car.Reachable(ctx, bs, head.Root, func(c cid.Cid) bool { return c.Prefix().Codec == cid.DagCBOR && held(c) })
	if err != nil {
		return nil, err
	}
	out := []cid.Cid{head.Root}
	for c := range reach {
		if !c.Equals(head.Root) && held(c) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out[1:], func(a, b cid.Cid) int { return strings.Compare(a.KeyString(), b.KeyString()) })
	return out, nil
}

// peerSource is the node's peer as a source of the followed registries
// (registry.Source), set once Serve has started it; before, it cannot
// be asked.
type peerSource struct{ p atomic.Pointer[peer.Peer] }

// noPeer is why the peer cannot be asked before it started.
func noPeer() error {
	return fmt.Errorf("%w: the node's peer has not started", registry.ErrUnreachable)
}

func (s *peerSource) Record(ctx context.Context, name string) ([]byte, error) {
	if p := s.p.Load(); p != nil {
		return p.Record(ctx, name)
	}
	return nil, noPeer()
}

func (s *peerSource) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	if p := s.p.Load(); p != nil {
		return p.Block(ctx, c)
	}
	return nil, noPeer()
}

func (s *peerSource) String() string { return "p2p" }

// PeerAddrs returns the addresses of the node's peer on the IPFS network,
// each ending in /p2p/ID; nil without Config.P2P or before Serve starts
// it.
func (n *Node) PeerAddrs() []ma.Multiaddr {
	if n.peer == nil {
		return nil
	}
	return n.peer.Addrs()
}
