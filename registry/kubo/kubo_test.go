package kubo_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/kubotest"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// fixture is a registry signed with a real key, in memory.
type fixture struct {
	blocks *registrytest.Blocks
	reg    *registry.Registry
	name   string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{blocks: registrytest.NewBlocks(), name: key.Name()}
	f.reg, err = registry.New(registry.Config{Blocks: f.blocks, Index: registrytest.NewIndex(), Signer: ipns.NewSigner(key)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// publish records a release whose content is one raw block and returns
// the new head.
func (f *fixture) publish(t testing.TB, spec string) registry.Head {
	t.Helper()
	ctx := context.Background()
	name, v, _ := manifest.ParseExact(spec)
	data := []byte("content of " + spec)
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(data)
	f.blocks.Put(ctx, c, data)
	h, _, err := f.reg.Publish(ctx, registry.Publication{Service: name, Version: v, Content: c, Profile: "unixfs-v1-2025"})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// car returns the DAG under root as a CAR, leaving out skip's DAG.
func (f *fixture) car(t testing.TB, root, skip cid.Cid) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := car.NewWriter(&buf, []cid.Cid{root}, f.blocks)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.DAG(context.Background(), root, func(c cid.Cid) bool { return c.Equals(skip) }); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return buf.Bytes()
}

func TestKubo(t *testing.T) {
	node := kubotest.Start(t)
	ctx := context.Background()
	k, err := kubo.New(node.API, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	h1 := f.publish(t, "tts@1.0.0")

	t.Run("import and pin", func(t *testing.T) {
		if _, err := k.Resolve(ctx, f.name); !errors.Is(err, registry.ErrRecordNotFound) {
			t.Fatalf("resolve before any record: %v", err)
		}
		got, err := k.Import(ctx, bytes.NewReader(f.car(t, h1.Root, cid.Undef)))
		if err != nil {
			t.Fatal(err)
		}
		if int(got.Blocks) != f.blocks.Len() {
			t.Errorf("kubo imported %d blocks, the registry has %d", got.Blocks, f.blocks.Len())
		}
		if ok, err := k.Pinned(ctx, h1.Root); ok || err != nil {
			t.Fatalf("pinned before Pin: %v %v", ok, err)
		}
		if err := k.Pin(ctx, h1.Root, "svcreg "+f.name); err != nil {
			t.Fatal(err)
		}
		if ok, err := k.Pinned(ctx, h1.Root); !ok || err != nil {
			t.Fatalf("not pinned after Pin: %v %v", ok, err)
		}
		out := node.MustRun(t, "dag", "get", h1.Root.String())
		if !strings.Contains(out, `"registry":"`+f.name+`"`) {
			t.Errorf("dag get: %s", out)
		}
	})

	t.Run("record", func(t *testing.T) {
		if err := k.PutRecord(ctx, f.name, h1.Record); err != nil {
			t.Fatal(err)
		}
		if err := k.PutRecord(ctx, f.name, h1.Record); err != nil {
			t.Fatalf("putting the same record again: %v", err)
		}
		if got, err := k.Resolve(ctx, f.name); err != nil || !got.Equals(h1.Root) {
			t.Fatalf("resolve: %s, %v", got, err)
		}
	})

	h2 := f.publish(t, "tts@1.0.1")
	t.Run("incremental", func(t *testing.T) {
		// The previous state is pinned: send only what is new.
		got, err := k.Import(ctx, bytes.NewReader(f.car(t, h2.Root, h1.Root)))
		if err != nil {
			t.Fatal(err)
		}
		if int(got.Blocks) >= f.blocks.Len() {
			t.Errorf("incremental import sent %d blocks of %d", got.Blocks, f.blocks.Len())
		}
		if err := k.UpdatePin(ctx, h1.Root, h2.Root); err != nil {
			t.Fatal(err)
		}
		if ok, _ := k.Pinned(ctx, h2.Root); !ok {
			t.Error("new root not pinned")
		}
		if ok, _ := k.Pinned(ctx, h1.Root); ok {
			t.Error("old root still pinned directly")
		}
		if err := k.PutRecord(ctx, f.name, h2.Record); err != nil {
			t.Fatal(err)
		}
		// The node's own copy of the manifest tells which state it serves.
		served, err := k.Resolve(ctx, f.name)
		if err != nil || !served.Equals(h2.Root) {
			t.Fatalf("resolve: %s, %v", served, err)
		}
		b, err := k.Block(ctx, served)
		if err != nil || manifest.CheckBlock(served, b) != nil {
			t.Fatalf("block: %v", err)
		}
		if _, err := k.Block(ctx, rawCid("absent")); !errors.Is(err, registry.ErrBlockNotFound) {
			t.Fatalf("absent block: %v", err)
		}
	})

	t.Run("errors", func(t *testing.T) {
		// A DAG kubo does not hold entirely cannot be pinned.
		g := newFixture(t)
		h := g.publish(t, "web@1.0.0")
		var buf bytes.Buffer
		w, _ := car.NewWriter(&buf, []cid.Cid{h.Root}, g.blocks)
		w.Block(ctx, h.Root)
		w.Close()
		if _, err := k.Import(ctx, &buf); err != nil {
			t.Fatalf("partial CAR: %v", err)
		}
		if err := k.Pin(ctx, h.Root, ""); err == nil {
			t.Fatal("pinned a partial DAG")
		}
		bad, _ := kubo.New("http://127.0.0.1:1", nil)
		if _, err := bad.Pinned(ctx, h.Root); !errors.Is(err, registry.ErrUnreachable) {
			t.Fatalf("dead API: %v", err)
		}
		if _, err := kubo.New(node.Gateway, nil); err != nil {
			t.Fatal(err)
		}
		gw, _ := kubo.New(node.Gateway, nil)
		if _, err := gw.Pinned(ctx, h.Root); !errors.Is(err, registry.ErrUnreachable) {
			t.Fatalf("RPC call to the gateway port: %v", err)
		}
	})
}

func rawCid(s string) cid.Cid {
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum([]byte(s))
	return c
}
