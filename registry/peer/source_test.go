package peer

import (
	"context"
	"errors"
	"testing"
	"time"

	bsmsg "github.com/ipfs/boxo/bitswap/message"
	"github.com/ipfs/boxo/bitswap/network/bsnet"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	lpeer "github.com/libp2p/go-libp2p/core/peer"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// newPeer starts a peer on loopback bootstrapped to boot (none: nil),
// runs it for the test and returns it.
func newPeer(t *testing.T, cfg Config, boot *Peer) *Peer {
	t.Helper()
	k, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key, cfg.Listen, cfg.Bootstrap = k.PrivKey(), loopback, []lpeer.AddrInfo{}
	if cfg.Blocks == nil {
		cfg.Blocks, _ = newStore(t)
	}
	if boot != nil {
		cfg.Bootstrap = []lpeer.AddrInfo{{ID: boot.ID(), Addrs: boot.host.Addrs()}}
	}
	p, err := New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; p.Close() })
	return p
}

// TestPeerAsSource: a peer that follows reads a registry's record from
// the DHT and its blocks over bitswap from the peer that announces it,
// and both count what they did.
func TestPeerAsSource(t *testing.T) {
	regKey, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, cids := newStore(t, "manifest", "release")
	var hs heads
	hs.set(t, regKey, cids[0], 7)
	a := newPeer(t, Config{Blocks: store, Heads: hs.get, Poll: 20 * time.Millisecond,
		Roots: func(_ context.Context, h registry.Head) ([]cid.Cid, error) { return []cid.Cid{h.Root, cids[1]}, nil }}, nil)
	b := newPeer(t, Config{FetchTimeout: 10 * time.Second}, a)

	var raw []byte
	waitFor(t, 10*time.Second, "the record from the DHT", func() bool {
		raw, err = b.Record(t.Context(), regKey.Name())
		return err == nil
	})
	rec, err := ipns.Verify(regKey.Name(), raw, time.Now())
	if err != nil || rec.Seq != 7 || !rec.Value.Equals(cids[0]) {
		t.Fatalf("record: %+v, %v", rec, err)
	}
	other, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Record(t.Context(), other.Name()); !errors.Is(err, registry.ErrRecordNotFound) {
		t.Errorf("record of a name nobody put: %v, want ErrRecordNotFound", err)
	}
	data, err := b.Block(t.Context(), cids[1])
	if err != nil || string(data) != "release" {
		t.Fatalf("block over bitswap: %q, %v", data, err)
	}
	waitFor(t, 10*time.Second, "the provides counted", func() bool {
		s := a.Stats()
		return s.ProvidesDone >= 2 && s.ProvidesPending == 0
	})
	if s := a.Stats(); s.BlocksServed < 1 || s.Peers < 1 || s.DHTLAN < 1 {
		t.Errorf("announcing peer's stats: %+v", s)
	}
	if s := b.Stats(); s.BlocksFetched != 1 {
		t.Errorf("following peer's stats: %+v, want 1 block fetched", s)
	}
	if n := len(a.Collectors()); n != 8 {
		t.Errorf("%d collectors", n)
	}
}

// liar is a bitswap client that answers with other bytes under the CID
// asked for, as a broken exchange would.
type liar struct{}

func (liar) GetBlock(_ context.Context, c cid.Cid) (blocks.Block, error) {
	return blocks.NewBlockWithCid([]byte("not the block"), c)
}

// TestBlockReverified: whatever the exchange hands back, Block returns
// only bytes that hash to the CID.
func TestBlockReverified(t *testing.T) {
	ready := make(chan struct{})
	close(ready)
	p := &Peer{cfg: Config{FetchTimeout: time.Second}, blk: liar{}, ready: ready}
	c := blocks.NewBlock([]byte("the block")).Cid()
	data, err := p.Block(t.Context(), c)
	if !errors.Is(err, manifest.ErrCIDMismatch) || data != nil {
		t.Fatalf("Block from a lying exchange: %q, %v; want ErrCIDMismatch", data, err)
	}
	if p.fetched.Load() != 0 {
		t.Error("a refused block was counted as fetched")
	}
}

// TestTamperedBlockRefused: a hostile peer answers a want with a
// tampered block (the wanted CID's prefix, other bytes) over real
// bitswap; it is never returned, and the honest copy that comes after
// is.
func TestTamperedBlockRefused(t *testing.T) {
	good := blocks.NewBlock([]byte("the honest block"))
	c := good.Cid()
	b := newPeer(t, Config{FetchTimeout: 10 * time.Second}, nil)
	hostile := newClient(t, b.Addrs())

	type result struct {
		data []byte
		err  error
	}
	got := make(chan result, 1)
	go func() {
		data, err := b.Block(t.Context(), c)
		got <- result{data, err}
	}()
	waitFor(t, 10*time.Second, "the want", func() bool {
		for _, w := range b.bs.GetWantlist() {
			if w.Equals(c) {
				return true
			}
		}
		return false
	})

	tampered, err := blocks.NewBlockWithCid([]byte("the tampered block"), c)
	if err != nil {
		t.Fatal(err)
	}
	before, err := b.bs.Stat()
	if err != nil {
		t.Fatal(err)
	}
	msg := bsmsg.New(false)
	msg.AddBlock(tampered)
	s, err := hostile.h.NewStream(t.Context(), b.ID(), bsnet.ProtocolBitswap)
	if err != nil {
		t.Fatal(err)
	}
	if err := msg.ToNetV1(s); err != nil {
		t.Fatal(err)
	}
	s.Close()
	waitFor(t, 10*time.Second, "the tampered message received", func() bool {
		st, err := b.bs.Stat()
		return err == nil && st.MessagesReceived > before.MessagesReceived
	})
	select {
	case r := <-got:
		t.Fatalf("Block returned before the honest copy: %q, %v", r.data, r.err)
	default:
	}

	if err := hostile.store.Put(t.Context(), good); err != nil {
		t.Fatal(err)
	}
	if err := hostile.bs.NotifyNewBlocks(t.Context(), good); err != nil {
		t.Fatal(err)
	}
	r := <-got
	if r.err != nil || string(r.data) != "the honest block" {
		t.Fatalf("Block: %q, %v; want the honest block", r.data, r.err)
	}
}
