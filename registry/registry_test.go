package registry_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

const regName = "k51qzi5uqu5dtestregistry"

type fixture struct {
	reg    *registry.Registry
	blocks *registrytest.Blocks
	cache  *registrytest.Index
}

// put stores an encoded block and returns its CID:
// f.put(t)(manifest.EncodeIndex(ix)).
func (f *fixture) put(t testing.TB) func(manifest.Block, error) cid.Cid {
	return func(b manifest.Block, err error) cid.Cid {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if err := f.blocks.Put(context.Background(), b.CID, b.Data); err != nil {
			t.Fatal(err)
		}
		return b.CID
	}
}

func newFixture(t testing.TB, leafMax int) *fixture {
	t.Helper()
	f := &fixture{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reg, err := registry.New(registry.Config{
		Blocks: f.blocks, Index: f.cache, Signer: registrytest.Signer{N: regName},
		Now: func() time.Time { return clock }, IndexLeafMax: leafMax,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	return f
}

// content stores a raw block standing for a service directory and
// returns its CID.
func (f *fixture) content(t testing.TB, s string) cid.Cid {
	t.Helper()
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.blocks.Put(context.Background(), c, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) publish(t testing.TB, spec, content string) cid.Cid {
	t.Helper()
	name, v, err := manifest.ParseExact(spec)
	if err != nil {
		t.Fatal(err)
	}
	c := f.content(t, content)
	if _, _, err := f.reg.Publish(context.Background(), registry.Publication{Service: name, Version: v, Content: c, Size: uint64(len(content)), Profile: "unixfs-v1-2025"}); err != nil {
		t.Fatalf("publish %s: %v", spec, err)
	}
	return c
}

func (f *fixture) resolve(t testing.TB, spec string) (registry.Resolution, error) {
	t.Helper()
	sp, err := manifest.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	return f.reg.Resolve(context.Background(), sp)
}

func TestResolveRules(t *testing.T) {
	f := newFixture(t, 0)
	cids := map[string]cid.Cid{}
	for _, v := range []string{"1.0.0", "1.0.2", "1.1.0", "1.2.0-beta.1", "2.0.0-rc.1", "0.9.0"} {
		cids[v] = f.publish(t, "tts@"+v, "tts "+v)
	}
	ctx := context.Background()
	yank, _ := manifest.ParseVersion("1.1.0")
	if _, _, err := f.reg.Yank(ctx, "tts", yank, "broken", false); err != nil {
		t.Fatal(err)
	}
	beta, _ := manifest.ParseVersion("1.2.0-beta.1")
	if _, _, err := f.reg.Tag(ctx, "tts", beta, "beta"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ spec, want string }{
		{"tts", "1.0.2"},          // highest stable, non-yanked (1.1.0 is yanked)
		{"tts@^1.0", "1.0.2"},     // caret skips the yanked 1.1.0
		{"tts@~1.0.0", "1.0.2"},   // tilde
		{"tts@1.x", "1.0.2"},      // x-range
		{"tts@>=1.0 <2", "1.0.2"}, // comparator set
		{"tts@1.1.0", "1.1.0"},    // yanked resolves when named exactly
		{"tts@=1.1.0", "1.1.0"},   // also with '='
		{"tts@latest", "1.0.2"},   // latest moved back from the yanked 1.1.0
		{"tts@beta", "1.2.0-beta.1"},
		{"tts@^1.2.0-beta.0", "1.2.0-beta.1"}, // prerelease only when the range names one
		{"tts@0.x || 2.0.0-rc.1", "2.0.0-rc.1"},
		{"tts@1.0.0 - 1.0.1", "1.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := f.resolve(t, tt.spec)
			if err != nil {
				t.Fatalf("resolve %s: %v", tt.spec, err)
			}
			if got.Version.String() != tt.want || !got.CID.Equals(cids[tt.want]) {
				t.Errorf("resolve %s = %s %s, want %s %s", tt.spec, got.Version, got.CID, tt.want, cids[tt.want])
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "a")
	for spec, want := range map[string]error{
		"nope":        registry.ErrServiceNotFound,
		"tts@2":       manifest.ErrNoMatch,
		"tts@3.0.0":   manifest.ErrVersionNotFound,
		"tts@nightly": manifest.ErrTagNotFound,
		"tts@^1.1":    manifest.ErrNoMatch,
	} {
		if _, err := f.resolve(t, spec); !errors.Is(err, want) {
			t.Errorf("resolve %s: %v, want %v", spec, err, want)
		}
	}
}

func TestPublishImmutable(t *testing.T) {
	f := newFixture(t, 0)
	ctx := context.Background()
	first := f.publish(t, "tts@1.0.0", "one")
	h1, _ := f.reg.Head(ctx)

	v := manifest.MustParseVersion("1.0.0")
	_, changed, err := f.reg.Publish(ctx, registry.Publication{Service: "tts", Version: v, Content: first, Profile: "unixfs-v1-2025"})
	if err != nil || changed {
		t.Fatalf("republish same content: changed=%v err=%v, want a no-op", changed, err)
	}
	other := f.content(t, "two")
	_, _, err = f.reg.Publish(ctx, registry.Publication{Service: "tts", Version: v, Content: other, Profile: "unixfs-v1-2025"})
	if !errors.Is(err, manifest.ErrImmutable) {
		t.Fatalf("republish other content: %v, want ErrImmutable", err)
	}
	h2, _ := f.reg.Head(ctx)
	if h1.Seq != h2.Seq || !h1.Root.Equals(h2.Root) {
		t.Fatalf("head moved from %d to %d on refused/no-op publishes", h1.Seq, h2.Seq)
	}
	got, err := f.resolve(t, "tts@1.0.0")
	if err != nil || !got.CID.Equals(first) {
		t.Fatalf("tts@1.0.0 = %v (%v), want first content %s", got.CID, err, first)
	}
}

func TestLatestMovesOnlyUp(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.1.0", "b")
	f.publish(t, "tts@1.0.5", "a")        // lower: latest stays
	f.publish(t, "tts@2.0.0-beta.1", "c") // prerelease: latest stays
	s, err := f.reg.Service(context.Background(), "tts")
	if err != nil {
		t.Fatal(err)
	}
	if s.Tags["latest"] != "1.1.0" {
		t.Fatalf("latest = %q, want 1.1.0", s.Tags["latest"])
	}
}

func TestLogAndInfo(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "a")
	f.publish(t, "player@2.1.0", "b")
	entries, err := f.reg.Log(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for i, e := range entries {
		changes = append(changes, e.Change)
		if want := uint64(len(entries) - i); e.Seq != want {
			t.Errorf("entry %d has seq %d, want %d", i, e.Seq, want)
		}
	}
	if got := strings.Join(changes, "|"); got != "publish player@2.1.0|publish tts@1.0.0|init" {
		t.Fatalf("log changes = %q", got)
	}
	sp, _ := manifest.ParseSpec("tts@1")
	info, err := f.reg.Info(context.Background(), sp)
	if err != nil {
		t.Fatal(err)
	}
	if want := "/ipns/" + regName + "/services/tts/versions/1.0.0/content/"; info.Path != want {
		t.Fatalf("path = %s, want %s", info.Path, want)
	}
	if info.Seq != 3 || !info.Root.Equals(entries[0].Root) {
		t.Fatalf("info at seq %d root %s, want head seq 3 %s", info.Seq, info.Root, entries[0].Root)
	}
}

func TestResolveCache(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "a")
	for range 2 {
		if _, err := f.resolve(t, "tts@^1"); err != nil {
			t.Fatal(err)
		}
	}
	if f.cache.Hits != 1 {
		t.Fatalf("cache hits = %d, want 1 (second resolve from cache)", f.cache.Hits)
	}
	c := f.publish(t, "tts@1.0.1", "b") // new head: the cached answer is stale
	got, err := f.resolve(t, "tts@^1")
	if err != nil || !got.CID.Equals(c) {
		t.Fatalf("after publish tts@^1 = %v (%v), want %s", got.CID, err, c)
	}
}

func TestCorruptBlock(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "a")
	h, _ := f.reg.Head(context.Background())
	f.blocks.Corrupt(h.Root, []byte("garbage"))
	_, err := f.resolve(t, "tts")
	if !errors.Is(err, registry.ErrCorruptBlock) {
		t.Fatalf("resolve over a corrupt root: %v, want ErrCorruptBlock", err)
	}
}

func TestConcurrentPublish(t *testing.T) {
	f := newFixture(t, 0)
	var wg sync.WaitGroup
	const n = 16
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			name, v, _ := manifest.ParseExact(fmt.Sprintf("svc%d@1.0.%d", i%4, i))
			c := f.content(t, fmt.Sprint(i))
			_, _, err := f.reg.Publish(context.Background(), registry.Publication{Service: name, Version: v, Content: c, Profile: "unixfs-v1-2025"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, m, err := f.reg.Manifest(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m.Releases != n || m.Seq != n+1 {
		t.Fatalf("after %d concurrent publishes: releases=%d seq=%d", n, m.Releases, m.Seq)
	}
}

// TestShardedIndex forces a tiny leaf limit so the index splits, and checks
// that every service still resolves, that the structure does not depend on
// publish order, and that lookups stay shallow.
func TestShardedIndex(t *testing.T) {
	const n = 300
	roots := map[string]bool{}
	for _, order := range []string{"forward", "reverse"} {
		f := newFixture(t, 512)
		want := map[string]cid.Cid{}
		for i := range n {
			j := i
			if order == "reverse" {
				j = n - 1 - i
			}
			name := fmt.Sprintf("svc-%03d", j)
			want[name] = f.publish(t, name+"@1.0.0", name)
		}
		for name, c := range want {
			got, err := f.resolve(t, name)
			if err != nil || !got.CID.Equals(c) {
				t.Fatalf("%s: resolve %s = %v (%v), want %s", order, name, got.CID, err, c)
			}
		}
		_, m, _ := f.reg.Manifest(context.Background())
		roots[m.Services.String()] = true
		sp, _ := manifest.ParseSpec("svc-007")
		info, _ := f.reg.Info(context.Background(), sp)
		sum := sha256.Sum256([]byte("svc-007"))
		if !strings.Contains(info.Path, fmt.Sprintf("/services/-%02x/", sum[0])) {
			t.Fatalf("path %s does not go through shard -%02x", info.Path, sum[0])
		}
		names, err := f.reg.Services(context.Background())
		if err != nil || len(names) != n {
			t.Fatalf("Services: %d names (%v), want %d", len(names), err, n)
		}
	}
	if len(roots) != 1 {
		t.Fatalf("index roots differ by publish order: %v", roots)
	}
}

func TestPublishRefusesBuildMetadata(t *testing.T) {
	f := newFixture(t, 0)
	// ParseExact refuses it too; the library refuses a Version built by hand.
	v := manifest.MustParseVersion("1.0.0+build.5")
	_, _, err := f.reg.Publish(context.Background(), registry.Publication{Service: "tts", Version: v, Content: f.content(t, "x"), Profile: "unixfs-v1-2025"})
	if !errors.Is(err, manifest.ErrInvalidVersion) {
		t.Fatalf("publish with build metadata: %v, want ErrInvalidVersion", err)
	}
}

// Yanking a yanked version again without a reason signs nothing; a new
// reason is a new state that changes only the reason.
func TestYankAgainIsNoOp(t *testing.T) {
	f := newFixture(t, 0)
	f.publish(t, "tts@1.0.0", "a")
	f.publish(t, "tts@1.4.0", "b")
	ctx := context.Background()
	v := manifest.MustParseVersion("1.4.0")
	h1, changed, err := f.reg.Yank(ctx, "tts", v, "broken", false)
	if err != nil || !changed {
		t.Fatalf("yank: %v %v", changed, err)
	}
	h2, changed, err := f.reg.Yank(ctx, "tts", v, "", false)
	if err != nil || changed || h2.Seq != h1.Seq || !h2.Root.Equals(h1.Root) {
		t.Fatalf("yank again: changed %v, seq %d -> %d, %v", changed, h1.Seq, h2.Seq, err)
	}
	h3, changed, err := f.reg.Yank(ctx, "tts", v, "really broken", false)
	if err != nil || !changed || h3.Seq != h1.Seq+1 {
		t.Fatalf("yank with a new reason: changed %v, seq %d -> %d, %v", changed, h1.Seq, h3.Seq, err)
	}
	info, err := f.reg.Info(ctx, manifest.Spec{Name: "tts", Range: mustRange(t, "1.4.0")})
	if err != nil || info.Release.Yank == nil || info.Release.Yank.Reason != "really broken" {
		t.Fatalf("info after a new reason: %+v %v", info.Release.Yank, err)
	}
	if got, err := f.resolve(t, "tts@latest"); err != nil || got.Version.String() != "1.0.0" {
		t.Fatalf("tts@latest after yanking 1.4.0 = %v %v, want 1.0.0", got.Version, err)
	}
}

func mustRange(t *testing.T, s string) manifest.Range {
	t.Helper()
	r, err := manifest.ParseRange(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestChangeCarriesResolutions: a change answers again, at its new head,
// what was cached at the old one and the bare names of the services it
// changed, so that resolves after it are cache hits.
func TestChangeCarriesResolutions(t *testing.T) {
	f := &fixture{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	reg, err := registry.New(registry.Config{Blocks: f.blocks, Index: registrytest.CarryingIndex{Index: f.cache}, Signer: registrytest.Signer{N: regName}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	f.publish(t, "tts@1.0.0", "a")
	f.publish(t, "web@1.0.0", "w")
	if _, err := f.resolve(t, "tts@^1"); err != nil {
		t.Fatal(err)
	}
	c := f.publish(t, "tts@1.0.1", "b")
	hits := f.cache.Hits
	for _, spec := range []string{"tts@^1", "tts", "web"} {
		got, err := f.resolve(t, spec)
		if err != nil {
			t.Fatal(err)
		}
		if spec != "web" && !got.CID.Equals(c) {
			t.Fatalf("%s = %s, want %s", spec, got.CID, c)
		}
	}
	if f.cache.Hits != hits+3 {
		t.Fatalf("%d cache hits, want 3", f.cache.Hits-hits)
	}
}
