package follow_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/registrytest"
	"github.com/svcreg/svcreg/registry/unixfs"
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

// TestWalkUnixFS: the walk of a release, a file of two chunks, reads the
// directory, the file node and both chunks, and names a chunk that is
// missing or damaged.
func TestWalkUnixFS(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	big := bytes.Repeat([]byte("svcreg "), (1<<20)/7+100) // just over one chunk
	if err := os.WriteFile(filepath.Join(dir, "big"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	mem := unixfs.NewMemoryBlockstore()
	res, err := unixfs.Import(ctx, mem, dir, unixfs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	store := registrytest.NewBlocks()
	keys, err := mem.AllKeysChan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		b, err := mem.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		store.Put(ctx, k, b.RawData())
	}
	var chunks []cid.Cid
	err = follow.Walk(ctx, store, res.Root, nil, func(c cid.Cid, err error) error {
		if c.Prefix().Codec == cid.Raw {
			chunks = append(chunks, c)
		}
		return err
	})
	if l, err := follow.MakeLocal(ctx, store, res.Root, follow.LocalOptions{}); err != nil || l.Blocks != 4 || len(chunks) != 2 {
		t.Fatalf("MakeLocal = %+v, %v, chunks %v; want 4 blocks (dir, file, 2 chunks)", l, err, chunks)
	}
	data, _ := store.Get(ctx, chunks[1])
	store.Corrupt(chunks[1], append([]byte("x"), data[1:]...))
	if _, err := follow.MakeLocal(ctx, store, res.Root, follow.LocalOptions{}); !errors.Is(err, registry.ErrCorruptBlock) ||
		!strings.Contains(err.Error(), chunks[1].String()) {
		t.Errorf("damaged chunk: %v, want ErrCorruptBlock naming %s", err, chunks[1])
	}
	missing := registrytest.NewBlocks()
	for k := range must(mem.AllKeysChan(ctx)) {
		if !k.Equals(chunks[1]) {
			b, _ := mem.Get(ctx, k)
			missing.Put(ctx, k, b.RawData())
		}
	}
	if _, err := follow.MakeLocal(ctx, missing, res.Root, follow.LocalOptions{}); !errors.Is(err, registry.ErrBlockNotFound) ||
		!strings.Contains(err.Error(), chunks[1].String()) {
		t.Errorf("missing chunk: %v, want ErrBlockNotFound naming %s", err, chunks[1])
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
