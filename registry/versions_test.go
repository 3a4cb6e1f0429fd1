package registry_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// shardedRegistry is a registry with small leaf limits, so that a few
// thousand releases make the trees several levels deep.
func shardedRegistry(t testing.TB, blocks registry.Blocks, cache registry.Index, indexMax, versionMax int) *registry.Registry {
	t.Helper()
	clock := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	reg, err := registry.New(registry.Config{
		Blocks: blocks, Index: cache, Signer: registrytest.Signer{N: regName},
		Now: func() time.Time { return clock }, IndexLeafMax: indexMax, VersionLeafMax: versionMax,
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func rawContent(t testing.TB, blocks registry.Blocks) cid.Cid {
	t.Helper()
	f := &fixture{blocks: blocks.(*registrytest.Blocks)}
	return f.content(t, "bench content")
}

func publications(c cid.Cid, services, versions int) []registry.Publication {
	var ps []registry.Publication
	for s := range services {
		for v := range versions {
			ps = append(ps, registry.Publication{
				Service: manifest.Name(fmt.Sprintf("service-%04d", s)), Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", v)),
				Content: c, Size: 13, Profile: "unixfs-v1-2025",
			})
		}
	}
	return ps
}

// The VersionIndex, like the service index, depends on the set of
// versions alone: published at once or in shuffled batches, the blocks
// below the manifest are the same.
func TestVersionIndexShapeIsAFunctionOfTheSet(t *testing.T) {
	ctx := context.Background()
	paths := map[string][]cid.Cid{}
	for _, batches := range []int{1, 7} {
		blocks := registrytest.NewBlocks()
		reg := shardedRegistry(t, blocks, registrytest.NewIndex(), 0, 2048)
		if _, err := reg.Init(ctx); err != nil {
			t.Fatal(err)
		}
		ps := publications(rawContent(t, blocks), 1, 500)
		rand.New(rand.NewPCG(uint64(batches), 1)).Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		for b := range batches {
			if _, _, err := reg.PublishAll(ctx, ps[b*len(ps)/batches:(b+1)*len(ps)/batches]); err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range []string{"1.0.0", "1.250.0", "1.499.0"} {
			p, err := reg.ReleasePath(ctx, "service-0000", manifest.MustParseVersion(v))
			if err != nil {
				t.Fatal(err)
			}
			if len(p) < 5 {
				t.Fatalf("path to %s: %d blocks, want manifest, index, service and >= 2 version index levels", v, len(p))
			}
			key := fmt.Sprint(v)
			if prev, ok := paths[key]; ok && !slices.Equal(prev[1:], p[1:]) {
				t.Errorf("%d batches: path to %s differs:\n%v\n%v", batches, v, prev[1:], p[1:])
			}
			paths[key] = p
		}
		checkBlockSizes(t, blocks, 2048)
	}
}

// checkBlockSizes checks every registry block: leaves within max, branches
// within 256 entries.
func checkBlockSizes(t *testing.T, blocks *registrytest.Blocks, max int) {
	t.Helper()
	const branchMax = 1 + 256*48
	blocks.Each(func(data []byte) {
		if len(data) <= max {
			return
		}
		if n, err := manifest.DecodeVersionNode(data); err == nil && n.IsBranch() && len(data) <= branchMax {
			return
		}
		if ix, err := manifest.DecodeIndex(data); err == nil && ix.IsBranch() && len(data) <= branchMax {
			return
		}
		t.Errorf("a %d-byte block is over the %d-byte leaf limit", len(data), max)
	})
}

// countingBlocks counts reads.
type countingBlocks struct {
	registry.Blocks
	gets atomic.Int64
}

func (b *countingBlocks) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	b.gets.Add(1)
	return b.Blocks.Get(ctx, c)
}

// A cold resolve (nothing cached) reads one block per level of each tree,
// whatever the shape: O(log n), here at most 8 blocks for 4,000 releases
// spread over hundreds of leaves.
func TestColdResolveReadsLogBlocks(t *testing.T) {
	ctx := context.Background()
	for _, shape := range [][2]int{{4000, 1}, {400, 10}, {40, 100}, {1, 4000}} {
		t.Run(fmt.Sprintf("%dx%d", shape[0], shape[1]), func(t *testing.T) {
			blocks := registrytest.NewBlocks()
			reg := shardedRegistry(t, blocks, registrytest.NewIndex(), 1024, 1024)
			if _, err := reg.Init(ctx); err != nil {
				t.Fatal(err)
			}
			h, _, err := reg.PublishAll(ctx, publications(rawContent(t, blocks), shape[0], shape[1]))
			if err != nil {
				t.Fatal(err)
			}
			if blocks.Len() < 100 {
				t.Fatalf("only %d blocks: the trees are not deep enough to tell", blocks.Len())
			}
			checkBlockSizes(t, blocks, 1024)
			for _, spec := range []string{"service-0000", fmt.Sprintf("service-0000@1.%d.0", shape[1]/2), "service-0000@^1"} {
				counted := &countingBlocks{Blocks: blocks}
				cache := registrytest.NewIndex()
				if err := cache.SwapHead(ctx, 0, h); err != nil {
					t.Fatal(err)
				}
				cold := shardedRegistry(t, counted, cache, 1024, 1024)
				sp, _ := manifest.ParseSpec(spec)
				if _, err := cold.Resolve(ctx, sp); err != nil {
					t.Fatal(err)
				}
				if n := counted.gets.Load(); n > 8 {
					t.Errorf("cold resolve of %s read %d blocks of %d", spec, n, blocks.Len())
				}
			}
		})
	}
}

// A sharded service answers every spec as the same service inline does.
func TestShardedResolvesAsInline(t *testing.T) {
	ctx := context.Background()
	versions := []string{"0.1.0", "0.2.0", "1.0.0", "1.2.0", "1.2.5", "1.9.0", "2.0.0-rc.1", "2.0.0-rc.2", "3.0.0-beta.1"}
	for i := range 300 {
		versions = append(versions, fmt.Sprintf("1.5.%d", i))
	}
	regs := map[string]*registry.Registry{}
	for name, max := range map[string]int{"inline": 1 << 20, "sharded": 1024} {
		blocks := registrytest.NewBlocks()
		reg := shardedRegistry(t, blocks, registrytest.NewIndex(), 0, max)
		if _, err := reg.Init(ctx); err != nil {
			t.Fatal(err)
		}
		c := rawContent(t, blocks)
		var ps []registry.Publication
		for _, v := range versions {
			ps = append(ps, registry.Publication{Service: "tts", Version: manifest.MustParseVersion(v), Content: c, Size: 1, Profile: "unixfs-v1-2025"})
		}
		if _, _, err := reg.PublishAll(ctx, ps); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"1.9.0", "1.2.5"} {
			if _, _, err := reg.Yank(ctx, "tts", manifest.MustParseVersion(v), "bad", false); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := reg.Tag(ctx, "tts", manifest.MustParseVersion("2.0.0-rc.2"), "next"); err != nil {
			t.Fatal(err)
		}
		regs[name] = reg
	}
	if p, _ := regs["sharded"].ReleasePath(ctx, "tts", manifest.MustParseVersion("1.0.0")); len(p) < 4 {
		t.Fatalf("the sharded registry's path %v has no version index", p)
	}
	for _, spec := range []string{"tts", "tts@latest", "tts@^1", "tts@~1.2", "tts@1.2.5", "tts@1.9.0", "tts@next",
		"tts@>=2.0.0-rc.1", "tts@^2.0.0-rc.1", "tts@<1", "tts@0.x", "tts@^3", "tts@9.9.9", "tts@nope", "tts@*", "tts@1.5.x || ^0.2"} {
		sp, err := manifest.ParseSpec(spec)
		if err != nil {
			t.Fatal(err)
		}
		a, errA := regs["inline"].Resolve(ctx, sp)
		b, errB := regs["sharded"].Resolve(ctx, sp)
		if !reflect.DeepEqual(a, b) || (errA == nil) != (errB == nil) || errors.Is(errA, manifest.ErrNoMatch) != errors.Is(errB, manifest.ErrNoMatch) ||
			errors.Is(errA, manifest.ErrVersionNotFound) != errors.Is(errB, manifest.ErrVersionNotFound) {
			t.Errorf("%s: inline %+v %v; sharded %+v %v", spec, a, errA, b, errB)
		}
	}
}

// Listing a large service's latest release reads its path only; its full
// listing reads every version.
func TestServiceLatestReadsOnePath(t *testing.T) {
	ctx := context.Background()
	blocks := registrytest.NewBlocks()
	reg := shardedRegistry(t, blocks, registrytest.NewIndex(), 0, 1024)
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := reg.PublishAll(ctx, publications(rawContent(t, blocks), 1, 2000)); err != nil {
		t.Fatal(err)
	}
	counted := &countingBlocks{Blocks: blocks}
	cache := registrytest.NewIndex()
	h, _ := reg.Head(ctx)
	if err := cache.SwapHead(ctx, 0, h); err != nil {
		t.Fatal(err)
	}
	cold := shardedRegistry(t, counted, cache, 0, 1024)
	s, err := cold.ServiceLatest(ctx, "service-0000")
	if err != nil {
		t.Fatal(err)
	}
	if n := counted.gets.Load(); n > 7 || len(s.Releases) != 1 || s.Tags[manifest.LatestTag] != "1.1999.0" {
		t.Errorf("ServiceLatest: %d blocks read, releases %d, tags %v", n, len(s.Releases), s.Tags)
	}
	if _, ok := s.Releases["1.1999.0"]; !ok {
		t.Errorf("the latest release is not loaded: %v", s.Releases)
	}
	all, err := cold.Service(ctx, "service-0000")
	if err != nil || len(all.Releases) != 2000 {
		t.Fatalf("Service: %d releases, %v", len(all.Releases), err)
	}
}
