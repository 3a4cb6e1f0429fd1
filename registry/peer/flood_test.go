package peer

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bsmsg "github.com/ipfs/boxo/bitswap/message"
	pb "github.com/ipfs/boxo/bitswap/message/pb"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"

	"github.com/svcreg/svcreg/registry/ipns"
)

// Flood sizes: more hosts than the resource manager lets in, and
// wantlists many times bitswap's cap.
const (
	floodHosts    = 120
	floodDials    = 16 // dials at once
	floodWanters  = 4
	floodWants    = 4 * MaxWantlist
	floodMessages = 5
)

// bareHost is a dialling-only libp2p host: TCP, no listener, no limits
// of its own.
func bareHost(t testing.TB) host.Host {
	t.Helper()
	h, err := libp2p.New(libp2p.NoListenAddrs, libp2p.NoTransports, libp2p.Transport(tcp.NewTCPTransport),
		libp2p.ResourceManager(&network.NullResourceManager{}), libp2p.DisableMetrics(), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// disconnects counts the connections a host lost.
type disconnects struct {
	network.NoopNotifiee
	n atomic.Int64
}

func (d *disconnects) Disconnected(network.Network, network.Conn) { d.n.Add(1) }

// TestFlood: a node under many connections and a flood of wants stays
// bounded and still serves a good peer. 120 hosts dial it: the resource
// manager refuses those above its inbound limit, and the connection
// manager trims down to the water marks. Then 4 peers each send 5
// wantlists of 4096 CIDs (some held, most not), 4 times bitswap's
// per-peer cap: the wantlist bitswap keeps for each never passes the cap,
// and a good peer fetches a block over bitswap during the flood.
func TestFlood(t *testing.T) {
	start := time.Now()
	nodeKey, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	var data []string
	for i := range 64 {
		data = append(data, fmt.Sprint("held block ", i))
	}
	store, held := newStore(t, data...)
	p, err := New(t.Context(), Config{Key: nodeKey.PrivKey(), Listen: loopback, Bootstrap: []lpeer.AddrInfo{},
		Blocks: store, ConnLow: 16, ConnHigh: 32, ConnGrace: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	var lost disconnects
	p.host.Network().Notify(&lost)
	inbound := int(resourceLimits(32).ToPartialLimitConfig().System.ConnsInbound)
	target := lpeer.AddrInfo{ID: p.ID(), Addrs: p.host.Addrs()}

	// Many connections.
	var peak atomic.Int64
	var refused atomic.Int64
	sem := make(chan struct{}, floodDials)
	var wg sync.WaitGroup
	for range floodHosts {
		h := bareHost(t)
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			if err := h.Connect(ctx, target); err != nil {
				refused.Add(1)
			}
			n := int64(p.Peers())
			for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
			}
		})
	}
	wg.Wait()
	t.Logf("%d hosts dialled in %s: %d refused, at most %d peers at once (inbound limit %d), %d trimmed",
		floodHosts, time.Since(start).Round(time.Millisecond), refused.Load(), peak.Load(), inbound, lost.n.Load())
	if peak.Load() > int64(inbound) {
		t.Errorf("%d peers at once, above the resource manager's inbound limit %d", peak.Load(), inbound)
	}
	if refused.Load() == 0 && lost.n.Load() == 0 {
		t.Errorf("all %d hosts connected and none was trimmed", floodHosts)
	}
	p.host.ConnManager().TrimOpenConns(t.Context())
	waitFor(t, 10*time.Second, "trimmed to the high water mark", func() bool { return p.Peers() <= 32 })

	// A flood of wants.
	heapBefore := heapAlloc()
	step := time.Now()
	wanters := make([]host.Host, floodWanters)
	for i := range wanters {
		wanters[i] = bareHost(t)
		if err := wanters[i].Connect(t.Context(), target); err != nil {
			t.Fatal(err)
		}
	}
	absent := make([]cid.Cid, floodWants)
	for i := range absent {
		absent[i] = blocks.NewBlock(fmt.Appendf(nil, "absent %d", i)).Cid()
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var floods sync.WaitGroup
	var sent atomic.Int64
	for w, h := range wanters {
		floods.Go(func() {
			for m := range floodMessages {
				msg := bsmsg.New(m == 0)
				for i, c := range absent {
					if i%64 == 0 {
						c = held[(i/64+w)%len(held)]
					}
					wt := pb.Message_Wantlist_Block
					if i%2 == 1 {
						wt = pb.Message_Wantlist_Have
					}
					msg.AddEntry(c, int32(floodWants-i), wt, true)
				}
				s, err := h.NewStream(ctx, p.ID(), bsnet.ProtocolBitswap)
				if err != nil {
					if ctx.Err() == nil {
						t.Errorf("wanter %d: open a stream: %v", w, err)
					}
					return
				}
				if err := msg.ToNetV1(s); err != nil && ctx.Err() == nil {
					t.Errorf("wanter %d: send %d wants: %v", w, floodWants, err)
				}
				s.Close()
				sent.Add(1)
			}
		})
	}
	maxKept := func() int {
		n := 0
		for _, h := range wanters {
			n = max(n, len(p.bs.WantlistForPeer(h.ID())))
		}
		return n
	}
	var most atomic.Int64
	watch := func() bool {
		n := maxKept()
		most.Store(max(most.Load(), int64(n)))
		return n > 0
	}
	waitFor(t, 20*time.Second, "the node holds wants of the flood", watch)

	// A good peer, during the flood.
	good := newClient(t, p.Addrs())
	fctx, fcancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer fcancel()
	b, err := good.bs.GetBlock(fctx, held[len(held)-1])
	if err != nil || string(b.RawData()) != data[len(data)-1] {
		t.Fatalf("a good peer's block during the flood: %v", err)
	}
	t.Logf("a good peer got a block %s into the flood (%d of %d wantlists sent)",
		time.Since(step).Round(time.Millisecond), sent.Load(), floodWanters*floodMessages)
	floods.Wait()
	waitFor(t, 20*time.Second, "the flood's wantlists all sent", func() bool { watch(); return sent.Load() == floodWanters*floodMessages })
	watch()
	if most.Load() > MaxWantlist {
		t.Errorf("bitswap kept %d wants of one peer, more than the cap %d", most.Load(), MaxWantlist)
	}
	if s := p.Stats(); s.BlocksServed == 0 {
		t.Errorf("stats after the flood: %+v", s)
	}
	t.Logf("flood of %d×%d wantlists of %d CIDs: at most %d wants kept per peer (cap %d); heap %d → %d KiB (the test's hosts included); whole test %s",
		floodWanters, floodMessages, floodWants, most.Load(), MaxWantlist, heapBefore>>10, heapAlloc()>>10, time.Since(start).Round(time.Millisecond))
}

// heapAlloc returns the live heap after a collection.
func heapAlloc() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
