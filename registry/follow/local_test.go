package follow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
)

// TestMakeLocal: content that is complete here asks no upstream; a
// missing DAG is fetched; a damaged block is fetched again and its intact
// copy kept; without upstreams the walk's error says what is missing or
// damaged, and why nothing was fetched.
func TestMakeLocal(t *testing.T) {
	p := newPub(t, time.Hour)
	c := p.publish(t, "say@1.0.0", "hello")
	g := newGW(t, p)
	h := newHome(t)
	f := h.follower(t, p, false, g.URL)
	off := h.follower(t, p, false)

	_, err := follow.MakeLocal(t.Context(), h.blocks, c, follow.LocalOptions{From: off})
	if !errors.Is(err, registry.ErrBlockNotFound) || !errors.Is(err, registry.ErrNoGateway) {
		t.Fatalf("missing, no gateway: %v, want ErrBlockNotFound and ErrNoGateway", err)
	}
	res, err := follow.MakeLocal(t.Context(), h.blocks, c, follow.LocalOptions{From: f})
	if err != nil || !res.Fetched || res.Blocks != 1 {
		t.Fatalf("missing: %+v, %v", res, err)
	}
	before := g.hits.Load()
	if res, err := follow.MakeLocal(t.Context(), h.blocks, c, follow.LocalOptions{From: f}); err != nil || res.Fetched {
		t.Fatalf("complete: %+v, %v", res, err)
	}
	if g.hits.Load() != before {
		t.Fatal("complete content was fetched")
	}

	h.blocks.Corrupt(c, []byte("hellO"))
	for _, from := range []follow.Upstreams{nil, off} {
		_, err := follow.MakeLocal(t.Context(), h.blocks, c, follow.LocalOptions{From: from})
		if !errors.Is(err, registry.ErrCorruptBlock) || errors.Is(err, registry.ErrNoGateway) {
			t.Fatalf("damaged, no upstream (%v): %v, want ErrCorruptBlock alone", from, err)
		}
	}
	if _, err := follow.MakeLocal(t.Context(), h.blocks, c, follow.LocalOptions{From: f}); err != nil {
		t.Fatalf("damaged: %v", err)
	}
	if data, err := h.blocks.Get(t.Context(), c); err != nil || string(data) != "hello" {
		t.Fatalf("the intact copy was not kept: %q, %v", data, err)
	}

	_, err = follow.MakeLocal(t.Context(), h.blocks, rawCid(t, "nowhere"), follow.LocalOptions{From: f})
	if !errors.Is(err, registry.ErrBlockNotFound) || !errors.Is(err, registry.ErrUnavailable) {
		t.Fatalf("nowhere: %v, want ErrBlockNotFound and ErrUnavailable", err)
	}
}

// TestMakeLocalRegistry: a registry's whole DAG, DAG-CBOR blocks and
// content alike, is made local as one CAR; with Skip, block by block and
// without what Skip leaves out.
func TestMakeLocalRegistry(t *testing.T) {
	p := newPub(t, time.Hour)
	first := p.publish(t, "say@1.0.0", "hello")
	p.publish(t, "say@1.1.0", "hello again")
	root := p.head(t).Root
	g := newGW(t, p)

	h := newHome(t)
	skip := func(c cid.Cid) bool { return c.Equals(first) }
	res, err := follow.MakeLocal(t.Context(), h.blocks, root, follow.LocalOptions{From: h.follower(t, p, false, g.URL), Skip: skip})
	if err != nil || !res.Fetched {
		t.Fatalf("with Skip: %+v, %v", res, err)
	}
	if ok, _ := h.blocks.Has(t.Context(), first); ok {
		t.Fatal("a skipped block was fetched")
	}
	res, err = follow.MakeLocal(t.Context(), h.blocks, root, follow.LocalOptions{From: h.follower(t, p, false, g.URL)})
	if err != nil || res.Blocks < 5 {
		t.Fatalf("whole: %+v, %v", res, err)
	}
	seen := 0
	err = follow.Walk(t.Context(), h.blocks, root, nil, func(_ cid.Cid, err error) error {
		seen++
		return err
	})
	if err != nil || seen != res.Blocks {
		t.Fatalf("Walk: %d blocks, %v; MakeLocal counted %d", seen, err, res.Blocks)
	}
}
