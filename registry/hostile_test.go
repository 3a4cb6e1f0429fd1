package registry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// putIndex stores an index node with entries and returns its CID.
func (f *fixture) putIndex(t testing.TB, entries map[string]cid.Cid) cid.Cid {
	t.Helper()
	return f.put(t)(manifest.EncodeIndex(manifest.Index{Entries: entries}))
}

// forgeHead makes a new signed state whose service index is services, as
// a hostile publisher (or a gateway serving one) could.
func (f *fixture) forgeHead(t testing.TB, services cid.Cid) {
	t.Helper()
	ctx := context.Background()
	h, m, err := f.reg.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := &manifest.Manifest{Registry: regName, Seq: h.Seq + 1, Prev: h.Root, Time: m.Time.Add(time.Second),
		Change: "forged", Services: services, Releases: m.Releases}
	b, err := manifest.EncodeManifest(next)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.blocks.Put(ctx, b.CID, b.Data); err != nil {
		t.Fatal(err)
	}
	if err := f.cache.SwapHead(ctx, h.Seq, registry.Head{Name: regName, Root: b.CID, Seq: next.Seq}); err != nil {
		t.Fatal(err)
	}
}

// serviceBlock returns the CID of the Service block name is filed under.
func (f *fixture) serviceBlock(t testing.TB, name string) cid.Cid {
	t.Helper()
	_, m, err := f.reg.Manifest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, err := f.blocks.Get(context.Background(), m.Services)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := manifest.DecodeIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	return ix.Entries[name]
}

// A service block filed under another name is refused: get alias@1
// would otherwise write other's files under the name alias.
func TestServiceUnderAnotherName(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "other@1.0.0", "other's files")
	svc := f.serviceBlock(t, "other")
	f.forgeHead(t, f.putIndex(t, map[string]cid.Cid{"alias": svc, "other": svc}))

	ctx := context.Background()
	_, err := f.resolve(t, "alias@1.0.0")
	if !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("resolve alias@1.0.0: %v, want ErrInvalidManifest", err)
	}
	if _, err := f.reg.Info(ctx, mustSpec(t, "alias")); !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("info alias: %v, want ErrInvalidManifest", err)
	}
	if _, err := f.reg.Service(ctx, "alias"); !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("service alias: %v, want ErrInvalidManifest", err)
	}
	if _, err := f.reg.ReleasePath(ctx, "alias", manifest.MustParseVersion("1.0.0")); !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("service path alias: %v, want ErrInvalidManifest", err)
	}
	if res, err := f.resolve(t, "other@1.0.0"); err != nil || res.Service != "other" {
		t.Fatalf("resolve other@1.0.0 = %+v, %v", res, err)
	}
}

func mustSpec(t testing.TB, s string) manifest.Spec {
	t.Helper()
	sp, err := manifest.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// maxHostileReads bounds the block reads before a hostile index tree is
// refused: one or two per level, far below a blind walk's (256^4).
const maxHostileReads = 20

// Hostile index trees are refused after a few reads instead of walked
// blindly.
func TestHostileIndexTrees(t *testing.T) {
	shards := func(child cid.Cid) map[string]cid.Cid {
		m := map[string]cid.Cid{}
		for i := range 256 {
			m[fmt.Sprintf("-%02x", i)] = child
		}
		return m
	}
	for _, tc := range []struct {
		name  string
		build func(f *fixture) cid.Cid
	}{
		{"fan-in: 256 keys to one child, four levels", func(f *fixture) cid.Cid {
			n := f.putIndex(t, map[string]cid.Cid{"web": f.serviceBlock(t, "web")})
			for range 4 {
				n = f.putIndex(t, shards(n))
			}
			return n
		}},
		{"misfiled: a name under another shard key", func(f *fixture) cid.Cid {
			wrong := "-00"
			if manifest.ShardKey("web", 0) == wrong {
				wrong = "-01"
			}
			leaf := f.putIndex(t, map[string]cid.Cid{"web": f.serviceBlock(t, "web")})
			return f.putIndex(t, map[string]cid.Cid{wrong: leaf})
		}},
		{"too deep: nine branch levels", func(f *fixture) cid.Cid {
			n := f.putIndex(t, map[string]cid.Cid{"web": f.serviceBlock(t, "web")})
			for d := 8; d >= 0; d-- {
				n = f.putIndex(t, map[string]cid.Cid{manifest.ShardKey("web", d): n})
			}
			return n
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 0)
			f.publish(t, "web@1.0.0", "web files")
			f.forgeHead(t, tc.build(f))
			// Read the forged tree through a store that counts reads: a
			// blind walk of the fan-in reads 256^4 blocks.
			blocks := &countingBlocks{Blocks: f.blocks}
			reg, err := registry.New(registry.Config{Blocks: blocks, Index: f.cache, Signer: registrytest.Signer{N: regName}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = reg.Services(context.Background())
			if !errors.Is(err, manifest.ErrInvalidManifest) {
				t.Fatalf("services: %v, want ErrInvalidManifest", err)
			}
			if n := blocks.gets.Load(); n > maxHostileReads {
				t.Errorf("services read %d blocks before refusing, want at most %d", n, maxHostileReads)
			}
		})
	}
}

// A tree at the depth limit still works: eight branch levels above a leaf.
func TestIndexAtDepthLimit(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "web@1.0.0", "web files")
	n := f.putIndex(t, map[string]cid.Cid{"web": f.serviceBlock(t, "web")})
	for d := 7; d >= 0; d-- {
		n = f.putIndex(t, map[string]cid.Cid{manifest.ShardKey("web", d): n})
	}
	f.forgeHead(t, n)
	names, err := f.reg.Services(context.Background())
	if err != nil || len(names) != 1 || names[0] != "web" {
		t.Fatalf("services = %v, %v", names, err)
	}
	if res, err := f.resolve(t, "web"); err != nil || res.Version.String() != "1.0.0" {
		t.Fatalf("resolve web = %+v, %v", res, err)
	}
}

// The log follows prev links one sequence at a time: a state whose prev
// skips or repeats a sequence is refused.
func TestLogRefusesBrokenHistory(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	first, _, err := f.reg.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.publish(t, "web@1.0.0", "web files")
	h, m, err := f.reg.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := &manifest.Manifest{Registry: regName, Seq: h.Seq + 1, Prev: first.Root, Time: m.Time,
		Change: "forged", Services: m.Services, Releases: m.Releases}
	b, err := manifest.EncodeManifest(next)
	if err != nil {
		t.Fatal(err)
	}
	f.blocks.Put(ctx, b.CID, b.Data)
	if err := f.cache.SwapHead(ctx, h.Seq, registry.Head{Name: regName, Root: b.CID, Seq: next.Seq}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Log(ctx, 0); !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("log: %v, want ErrInvalidManifest", err)
	}
}

// A hash-valid block that is not a registry block is refused before it is
// stored: a record pointing at one leaves nothing in the client's store.
func TestFetchedJunkIsNotStored(t *testing.T) {
	pub := newFixture(t, 0)
	pub.publish(t, "web@1.0.0", "web files")
	// hash-valid DAG-CBOR, but an integer, not a registry block
	junkData := []byte{0x18, 0x2a}
	junkCID, err := cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: 0x12, MhLength: -1}.Sum(junkData)
	if err != nil {
		t.Fatal(err)
	}
	pub.blocks.Put(context.Background(), junkCID, junkData)
	h, _, err := pub.reg.Manifest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	src := &source{name: "evil", blocks: pub.blocks, record: []byte(fmt.Sprintf("%s %s %d", regName, junkCID, h.Seq+1))}
	c := newClient(t, nil, src)
	_, err = c.fetcher.Refresh(context.Background())
	if !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("refresh: %v, want ErrInvalidManifest", err)
	}
	if ok, _ := c.blocks.Has(context.Background(), junkCID); ok {
		t.Fatal("the junk block was stored")
	}
	if _, err := c.fetcher.Blocks().Get(context.Background(), junkCID); !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("get junk: %v, want ErrInvalidManifest", err)
	}
	if c.blocks.Len() != 0 {
		t.Fatalf("client stored %d blocks", c.blocks.Len())
	}
}
