package follow_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// localOnly is a LocalStore for tests: registrytest.Blocks has no boxo
// blockstore, and ReadThrough's Get path needs none.
type localOnly struct{ *registrytest.Blocks }

func (localOnly) Blockstore() blockstore.Blockstore { return nil }

func rawCid(t testing.TB, s string) cid.Cid {
	t.Helper()
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadThrough: a block that is not here is fetched from the
// upstreams, verified and kept, in the same call; concurrent reads of it
// make one request.
func TestReadThrough(t *testing.T) {
	p := newPub(t, time.Hour)
	c := p.publish(t, "say@1.0.0", "hello")
	g := newGW(t, p)
	h := newHome(t)
	f := h.follower(t, p, false, g.URL)
	rt := follow.NewReadThrough(localOnly{h.blocks}, f)
	before := g.hits.Load()
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Go(func() {
			if data, err := rt.Get(t.Context(), c); err != nil || string(data) != "hello" {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d reads failed", bad.Load())
	}
	if n := g.hits.Load() - before; n != 1 {
		t.Fatalf("8 concurrent reads made %d requests, want 1", n)
	}
	if ok, _ := h.blocks.Has(t.Context(), c); !ok {
		t.Fatal("the block was not kept")
	}
	if _, err := rt.Get(t.Context(), rawCid(t, "nowhere")); err == nil {
		t.Fatal("a block no upstream has was served")
	}
}
