package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// newRegistry opens a registry on a real bbolt index and block store in
// dir, with a fixed key.
func newRegistry(tb testing.TB, dir string, noSync bool) (*registry.Registry, *flatfs.Store, func()) {
	tb.Helper()
	bs, err := flatfs.Open(filepath.Join(dir, "blocks"), &flatfs.Options{NoSync: noSync})
	if err != nil {
		tb.Fatal(err)
	}
	cache, err := bolt.Open(filepath.Join(dir, "index.db"), &bolt.Options{NoSync: noSync})
	if err != nil {
		tb.Fatal(err)
	}
	key, err := ipns.GenerateKey(zeroReader{})
	if err != nil {
		tb.Fatal(err)
	}
	reg, err := registry.New(registry.Config{Blocks: bs, Index: cache, Signer: ipns.NewSigner(key)})
	if err != nil {
		tb.Fatal(err)
	}
	return reg, bs, func() { cache.Close(); bs.Close() }
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// content stores one raw block to stand for every release's UnixFS root.
func content(tb testing.TB, bs *flatfs.Store) cid.Cid {
	data := []byte("service content")
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
	if err := bs.Put(context.Background(), c, data); err != nil {
		tb.Fatal(err)
	}
	return c
}

// fill publishes services×versions releases in one change.
func fill(tb testing.TB, reg *registry.Registry, c cid.Cid, services, versions int) {
	tb.Helper()
	ps := make([]registry.Publication, 0, services*versions)
	for s := range services {
		for v := range versions {
			ps = append(ps, registry.Publication{
				Service: manifest.Name(fmt.Sprintf("service-%06d", s)),
				Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", v)),
				Content: c, Size: 15, Profile: "unixfs-v1-2025",
			})
		}
	}
	if _, _, err := reg.PublishAll(context.Background(), ps); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkResolveWarm is a cached resolve with the index open: the work
// `svcreg resolve` does after start-up. Goal: ≤ 10 µs.
func BenchmarkResolveWarm(b *testing.B) {
	reg, bs, done := newRegistry(b, b.TempDir(), true)
	defer done()
	ctx := context.Background()
	if _, err := reg.Init(ctx); err != nil {
		b.Fatal(err)
	}
	fill(b, reg, content(b, bs), 100, 10)
	spec, _ := manifest.ParseSpec("service-000042@^1.2")
	if _, err := reg.Resolve(ctx, spec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := reg.Resolve(ctx, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveCold resolves from the manifest blocks (no cached
// answer), in registries of growing size.
func BenchmarkResolveCold(b *testing.B) {
	for _, n := range []int{1, 10_000, 100_000} {
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			reg, bs, done := newRegistry(b, b.TempDir(), true)
			defer done()
			ctx := context.Background()
			if _, err := reg.Init(ctx); err != nil {
				b.Fatal(err)
			}
			fill(b, reg, content(b, bs), n, 1)
			spec, _ := manifest.ParseSpec("service-000000")
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reg.Info(ctx, spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPublish records one more release into an empty registry and into
// ones holding 100,000 releases (10,000 services × 10 versions: one flat
// index leaf; 100,000 services × 1: a sharded index), with fsync on, as
// `svcreg publish` does. Goal: the 100,000 cases under 2× the empty one.
func BenchmarkPublish(b *testing.B) {
	shapes := []struct {
		name               string
		services, versions int
	}{
		{"empty", 0, 0},
		{"100k=10000x10", 10_000, 10},
		{"100k=100000x1", 100_000, 1},
	}
	for _, sh := range shapes {
		b.Run(sh.name, func(b *testing.B) {
			dir := b.TempDir()
			reg, bs, done := newRegistry(b, dir, true)
			ctx := context.Background()
			if _, err := reg.Init(ctx); err != nil {
				b.Fatal(err)
			}
			c := content(b, bs)
			fill(b, reg, c, sh.services, sh.versions)
			done()
			reg, _, done = newRegistry(b, dir, false)
			defer done()
			start := time.Now()
			i := 0
			for b.Loop() {
				p := registry.Publication{Service: "service-000007", Version: manifest.MustParseVersion(fmt.Sprintf("9.0.%d", i)), Content: c, Profile: "unixfs-v1-2025"}
				if _, _, err := reg.Publish(ctx, p); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(sh.services*sh.versions), "releases")
			_ = start
		})
	}
}
