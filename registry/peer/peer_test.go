package peer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ipfs/boxo/bitswap"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockstore"
	ipnsrec "github.com/ipfs/boxo/ipns"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p-kad-dht/dual"
	"github.com/libp2p/go-libp2p/core/host"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/internal/readonly"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// loopback is where the test peers listen.
var loopback = []ma.Multiaddr{ma.StringCast("/ip4/127.0.0.1/tcp/0")}

func newStore(t *testing.T, data ...string) (blockstore.Blockstore, []cid.Cid) {
	t.Helper()
	bs := blockstore.NewBlockstore(dssync.MutexWrap(ds.NewMapDatastore()))
	var cids []cid.Cid
	for _, d := range data {
		b := blocks.NewBlock([]byte(d))
		if err := bs.Put(t.Context(), b); err != nil {
			t.Fatal(err)
		}
		cids = append(cids, b.Cid())
	}
	return bs, cids
}

// heads is a head that the test moves, as a publish would.
type heads struct {
	mu sync.Mutex
	h  registry.Head
}

func (s *heads) get(context.Context) ([]registry.Head, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h.Record == nil {
		return nil, registry.ErrNoHead
	}
	return []registry.Head{s.h}, nil
}

func (s *heads) set(t *testing.T, k *ipns.Key, root cid.Cid, seq uint64) {
	raw, err := ipns.NewSigner(k).Sign(root, seq)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.h = registry.Head{Name: k.Name(), Root: root, Seq: seq, Record: raw}
	s.mu.Unlock()
}

// client is what a kubo node does with the peer, in process: a host with
// the dual DHT (loopback kept on the LAN) and a bitswap client.
type client struct {
	h     host.Host
	dht   *dual.DHT
	bs    *bitswap.Bitswap
	store blockstore.Blockstore
}

func newClient(t *testing.T, bootstrap []ma.Multiaddr) *client {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrs(loopback...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	d, err := dual.New(h, dual.LanDHTOption(dht.AddressFilter(nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	store, _ := newStore(t)
	bs := bitswap.New(t.Context(), bsnet.NewFromIpfsHost(h), d, store)
	t.Cleanup(func() { bs.Close() })
	ai, err := lpeer.AddrInfosFromP2pAddrs(bootstrap...)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Connect(t.Context(), ai[0]); err != nil {
		t.Fatal(err)
	}
	return &client{h: h, dht: d, bs: bs, store: store}
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(d); !cond(); <-tick.C {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %s", what, d)
		}
	}
}

// TestPeerAnnouncesAndServes: a peer puts its head's record into the DHT
// and provides its roots, a client resolves and finds it and fetches a
// block over bitswap; a new head is put again; the peer stores nothing.
func TestPeerAnnouncesAndServes(t *testing.T) {
	nodeKey, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	regKey, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, cids := newStore(t, "manifest", "release", "second state")
	var hs heads
	hs.set(t, regKey, cids[0], 1)
	p, err := New(t.Context(), Config{
		Key: nodeKey.PrivKey(), Listen: loopback, Bootstrap: []lpeer.AddrInfo{}, Blocks: store, Heads: hs.get,
		Roots: func(_ context.Context, h registry.Head) ([]cid.Cid, error) { return []cid.Cid{h.Root, cids[1]}, nil },
		Poll:  20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	if p.ID().String() != nodeKey.PeerID() {
		t.Errorf("peer ID %s, want the node key's %s", p.ID(), nodeKey.PeerID())
	}
	c := newClient(t, p.Addrs())
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	name, err := ipnsrec.NameFromString(regKey.Name())
	if err != nil {
		t.Fatal(err)
	}
	resolves := func(root cid.Cid) func() bool {
		return func() bool {
			raw, err := c.dht.GetValue(t.Context(), string(name.RoutingKey()))
			if err != nil {
				return false
			}
			rec, err := ipns.Verify(regKey.Name(), raw, time.Now())
			return err == nil && rec.Value.Equals(root)
		}
	}
	waitFor(t, 10*time.Second, "the record in the DHT", resolves(cids[0]))
	waitFor(t, 10*time.Second, "the release provided", func() bool {
		for ai := range c.dht.FindProvidersAsync(t.Context(), cids[1], 1) {
			return ai.ID == p.ID()
		}
		return false
	})
	b, err := c.bs.GetBlock(t.Context(), cids[1])
	if err != nil || string(b.RawData()) != "release" {
		t.Fatalf("bitswap: %v, %q", err, b)
	}

	hs.set(t, regKey, cids[2], 2)
	waitFor(t, 10*time.Second, "the new record in the DHT", resolves(cids[2]))
	if p.Peers() == 0 {
		t.Error("no peer connected")
	}
	if err := (readonly.Blockstore{Blockstore: store, Err: errReadOnly}).Put(t.Context(), b); !errors.Is(err, errReadOnly) {
		t.Errorf("put into the served store: %v, want errReadOnly", err)
	}
}

func TestParse(t *testing.T) {
	if _, err := ParseListen([]string{"/ip4/127.0.0.1/tcp/4002", "nonsense"}); !errors.Is(err, ErrBadAddr) {
		t.Errorf("ParseListen(nonsense): %v", err)
	}
	if _, err := ParseBootstrap([]string{"/ip4/127.0.0.1/tcp/4001"}); !errors.Is(err, ErrBadAddr) {
		t.Errorf("ParseBootstrap without /p2p/: %v", err)
	}
	const id = "12D3KooWP7VQ2D8LRZVMSgPDVErj2ZfFFmgvDzSsMmzkocm4UKhF"
	ai, err := ParseBootstrap([]string{"/ip4/127.0.0.1/tcp/4001/p2p/" + id, "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + id})
	if err != nil || len(ai) != 1 || len(ai[0].Addrs) != 2 {
		t.Errorf("ParseBootstrap: %v, %v", ai, err)
	}
	if _, err := New(t.Context(), Config{}); !errors.Is(err, ErrNoKey) {
		t.Errorf("New without a key: %v", err)
	}
}
