package follow_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
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
	if _, err := f.Sync(t.Context(), true); err != nil { // the head says what may be fetched
		t.Fatal(err)
	}
	rt := follow.NewReadThrough(localOnly{h.blocks}, follow.ReadThroughConfig{}, f)
	if _, err := f.Registry().Resolve(t.Context(), mustSpec(t, "say")); err != nil { // the registry's blocks, read first
		t.Fatal(err)
	}
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

func mustSpec(t testing.TB, s string) manifest.Spec {
	t.Helper()
	spec, err := manifest.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestReadThroughScope: a missing block that no followed registry
// reaches is not fetched, though the upstream has it (it is with
// FetchAny); a release published later is, once the follower synced.
func TestReadThroughScope(t *testing.T) {
	p := newPub(t, time.Hour)
	first := p.publish(t, "say@1.0.0", "hello")
	unrelated := rawCid(t, "unrelated")
	if err := p.blocks.Put(t.Context(), unrelated, []byte("unrelated")); err != nil {
		t.Fatal(err)
	}
	g := newGW(t, p)
	h := newHome(t)
	f := h.follower(t, p, false, g.URL)
	if _, err := f.Sync(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	rt := follow.NewReadThrough(localOnly{h.blocks}, follow.ReadThroughConfig{}, f)
	if data, err := rt.Get(t.Context(), first); err != nil || string(data) != "hello" {
		t.Fatalf("a release's content: %q, %v", data, err)
	}
	before := g.hits.Load()
	_, err := rt.Get(t.Context(), unrelated)
	if !errors.Is(err, follow.ErrNotReached) || !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("a block no followed registry reaches: %v, want ErrNotReached and ErrBlockNotFound", err)
	}
	if n := g.hits.Load() - before; n != 0 {
		t.Fatalf("the upstream was asked %d times for it", n)
	}

	later := p.publish(t, "say@1.1.0", "hello again")
	if _, err := f.Sync(t.Context(), true); err != nil {
		t.Fatal(err)
	}
	if data, err := rt.Get(t.Context(), later); err != nil || string(data) != "hello again" {
		t.Fatalf("a release published later: %q, %v", data, err)
	}

	anyRT := follow.NewReadThrough(localOnly{h.blocks}, follow.ReadThroughConfig{FetchAny: true}, f)
	if data, err := anyRT.Get(t.Context(), unrelated); err != nil || string(data) != "unrelated" {
		t.Fatalf("FetchAny: %q, %v", data, err)
	}
}
