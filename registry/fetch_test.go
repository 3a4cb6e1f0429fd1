package registry_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// fakeVerifier checks the records of registrytest.Signer: "name root seq".
type fakeVerifier struct{}

func (fakeVerifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	f := strings.Fields(string(raw))
	if (len(f) != 3 && len(f) != 4) || f[0] != name {
		return registry.Record{}, fmt.Errorf("%w: %q", errBadRecord, raw)
	}
	root, err := cid.Decode(f[1])
	if err != nil {
		return registry.Record{}, err
	}
	var eol time.Time // an optional fourth field: the end of life, Unix seconds
	if len(f) == 4 {
		sec, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return registry.Record{}, err
		}
		eol = time.Unix(sec, 0)
	}
	seq, err := strconv.ParseUint(f[2], 10, 64)
	return registry.Record{Root: root, Seq: seq, TTL: time.Minute, Validity: eol}, err
}

var errBadRecord = errors.New("bad record")

// source serves a publisher's blocks and a record, with faults to order.
type source struct {
	name    string
	blocks  *registrytest.Blocks
	record  []byte
	dead    bool              // every call fails with ErrUnreachable
	corrupt map[string][]byte // CID string → bytes served instead
	mu      sync.Mutex
	calls   int
}

func (s *source) String() string { return s.name }

func (s *source) Record(ctx context.Context, name string) ([]byte, error) {
	s.count()
	switch {
	case s.dead:
		return nil, fmt.Errorf("%s: %w", s.name, registry.ErrUnreachable)
	case s.record == nil:
		return nil, registry.ErrRecordNotFound
	}
	return s.record, nil
}

func (s *source) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	s.count()
	if s.dead {
		return nil, fmt.Errorf("%s: %w", s.name, registry.ErrUnreachable)
	}
	if b, ok := s.corrupt[c.String()]; ok {
		return b, nil
	}
	b, err := s.blocks.Get(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", registry.ErrBlockNotFound, c)
	}
	return b, nil
}

func (s *source) count() {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
}

// serve returns a source with the publisher's current head record.
func (f *fixture) serve(t testing.TB, name string) *source {
	t.Helper()
	h, err := f.reg.Head(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &source{name: name, blocks: f.blocks, record: h.Record}
}

// client is a home that follows regName through a Fetcher.
type client struct {
	blocks  *registrytest.Blocks
	cache   *registrytest.Index
	fetcher *registry.Fetcher
	reg     *registry.Registry
}

func newClient(t testing.TB, cache *registrytest.Index, srcs ...*source) *client {
	t.Helper()
	var ss []registry.Source
	for _, s := range srcs {
		ss = append(ss, s)
	}
	return newClientSources(t, cache, ss...)
}

func newClientSources(t testing.TB, cache *registrytest.Index, ss ...registry.Source) *client {
	t.Helper()
	c := &client{blocks: registrytest.NewBlocks(), cache: cache}
	if c.cache == nil {
		c.cache = registrytest.NewIndex()
	}
	var err error
	c.fetcher, err = registry.NewFetcher(registry.FetcherConfig{
		Name: regName, Blocks: c.blocks, Index: c.cache, Sources: ss, Verifier: fakeVerifier{},
	})
	if err != nil {
		t.Fatal(err)
	}
	c.reg, err = registry.New(registry.Config{Name: regName, Blocks: c.fetcher.Blocks(), Index: c.cache})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (c *client) resolve(t testing.TB, spec string) cid.Cid {
	t.Helper()
	sp, err := manifest.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.reg.Resolve(context.Background(), sp)
	if err != nil {
		t.Fatalf("resolve %s: %v", spec, err)
	}
	return res.CID
}

func TestFetchFromScratch(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	want := pub.publish(t, "tts@1.0.1", "two")
	pub.publish(t, "other@1.0.0", "three")
	c := newClient(t, nil, pub.serve(t, "gw"))

	r, err := c.fetcher.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Changed || r.Head.Seq != 4 || len(r.Problems) != 0 {
		t.Fatalf("refresh: %+v", r)
	}
	if got := c.resolve(t, "tts@^1"); !got.Equals(want) {
		t.Fatalf("resolved %s, want %s", got, want)
	}
	// Only what the answer needed was fetched: manifest, index leaf,
	// service block; no history, no other service, no content.
	if n := c.blocks.Len(); n != 3 {
		t.Errorf("client holds %d blocks, want 3", n)
	}
	// A second refresh with nothing new changes nothing.
	r, err = c.fetcher.Refresh(ctx)
	if err != nil || r.Changed {
		t.Fatalf("second refresh: %+v, %v", r, err)
	}
}

func TestFetchHighestSeqWins(t *testing.T) {
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	old := pub.serve(t, "old")
	want := pub.publish(t, "tts@1.0.1", "two")
	for _, order := range [][]*source{{old, pub.serve(t, "new")}, {pub.serve(t, "new"), old}} {
		c := newClient(t, nil, order...)
		r, err := c.fetcher.Refresh(context.Background())
		if err != nil || r.Head.Seq != 3 {
			t.Fatalf("refresh: %+v, %v", r, err)
		}
		if got := c.resolve(t, "tts"); !got.Equals(want) {
			t.Fatalf("resolved %s, want %s", got, want)
		}
	}
}

func TestFetchRollback(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	old := pub.serve(t, "old")
	pub.publish(t, "tts@1.0.1", "two")
	cache := registrytest.NewIndex()
	c := newClient(t, cache, pub.serve(t, "new"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}

	// Alone, a gateway serving an older state is refused.
	stale := newClient(t, cache, old)
	_, err := stale.fetcher.Refresh(ctx)
	if !errors.Is(err, registry.ErrRollback) {
		t.Fatalf("refresh from a stale source: %v, want ErrRollback", err)
	}
	if h, _ := cache.Head(ctx, regName); h.Seq != 3 {
		t.Fatalf("head moved to seq %d", h.Seq)
	}

	// Next to a good one, it is only reported.
	mixed := newClient(t, cache, old, pub.serve(t, "new"))
	r, err := mixed.fetcher.Refresh(ctx)
	if err != nil || r.Changed || r.Head.Seq != 3 {
		t.Fatalf("refresh: %+v, %v", r, err)
	}
	if len(r.Problems) != 1 || r.Problems[0].Source != "old" || !errors.Is(r.Problems[0].Err, registry.ErrRollback) {
		t.Fatalf("problems: %v", r.Problems)
	}
}

func TestFetchForgedRecord(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	want := pub.publish(t, "tts@1.0.0", "one")
	h, _ := pub.reg.Head(ctx)
	forged := pub.serve(t, "forged")
	forged.record = fmt.Appendf(nil, "k51other %s %d", h.Root, h.Seq+5)

	_, err := newClient(t, nil, forged).fetcher.Refresh(ctx)
	if !errors.Is(err, errBadRecord) || errors.Is(err, registry.ErrUnavailable) {
		t.Fatalf("forged record alone: %v", err)
	}
	c := newClient(t, nil, forged, pub.serve(t, "good"))
	r, err := c.fetcher.Refresh(ctx)
	if err != nil || r.Head.Seq != h.Seq || len(r.Problems) != 1 {
		t.Fatalf("refresh: %+v, %v", r, err)
	}
	if got := c.resolve(t, "tts"); !got.Equals(want) {
		t.Fatalf("resolved %s", got)
	}
}

func TestFetchCorruptBlock(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	want := pub.publish(t, "tts@1.0.0", "one")
	h, _ := pub.reg.Head(ctx)
	liar := pub.serve(t, "liar")
	liar.corrupt = map[string][]byte{h.Root.String(): []byte("not the manifest")}

	c := newClient(t, nil, liar)
	_, err := c.fetcher.Refresh(ctx)
	if !errors.Is(err, manifest.ErrCIDMismatch) {
		t.Fatalf("refresh from a liar: %v, want ErrCIDMismatch", err)
	}
	if ok, _ := c.blocks.Has(ctx, h.Root); ok {
		t.Fatal("the bad block was stored")
	}
	if _, err := c.cache.Head(ctx, regName); !errors.Is(err, registry.ErrNoHead) {
		t.Fatalf("a head was adopted: %v", err)
	}

	c = newClient(t, nil, liar, pub.serve(t, "good"))
	r, err := c.fetcher.Refresh(ctx)
	if err != nil || !r.Changed {
		t.Fatalf("refresh: %+v, %v", r, err)
	}
	if got := c.resolve(t, "tts"); !got.Equals(want) {
		t.Fatalf("resolved %s", got)
	}
}

func TestFetchDeadSource(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	want := pub.publish(t, "tts@1.0.0", "one")
	dead := &source{name: "dead", dead: true}

	_, err := newClient(t, nil, dead).fetcher.Refresh(ctx)
	if !errors.Is(err, registry.ErrUnavailable) {
		t.Fatalf("refresh from a dead source: %v", err)
	}
	dead.calls = 0
	c := newClient(t, nil, dead, pub.serve(t, "good"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.resolve(t, "tts"); !got.Equals(want) {
		t.Fatalf("resolved %s", got)
	}
	// The dead source was asked once, for the record: block fetches go to
	// the good one first.
	if dead.calls != 1 {
		t.Errorf("dead source asked %d times", dead.calls)
	}
}

func TestFetchNotFound(t *testing.T) {
	empty := &source{name: "empty"}
	_, err := newClient(t, nil, empty, &source{name: "empty2"}).fetcher.Refresh(context.Background())
	if !errors.Is(err, registry.ErrRecordNotFound) {
		t.Fatalf("refresh: %v, want ErrRecordNotFound", err)
	}
}

func TestFetchManifestMismatch(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	h, _ := pub.reg.Head(ctx)
	for name, rec := range map[string]string{
		"seq":      fmt.Sprintf("%s %s %d", regName, h.Root, h.Seq+1),
		"registry": "", // a record for regName pointing at another registry's manifest
	} {
		t.Run(name, func(t *testing.T) {
			src := pub.serve(t, "gw")
			src.record = []byte(rec)
			if name == "registry" {
				other := newFixtureNamed(t, "k51other")
				oh, _ := other.reg.Head(ctx)
				src.blocks = other.blocks
				src.record = fmt.Appendf(nil, "%s %s %d", regName, oh.Root, oh.Seq)
			}
			_, err := newClient(t, nil, src).fetcher.Refresh(ctx)
			if !errors.Is(err, manifest.ErrInvalidManifest) {
				t.Fatalf("refresh: %v, want ErrInvalidManifest", err)
			}
		})
	}
}

func TestFetchOffline(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, nil)
	if _, err := c.fetcher.Refresh(ctx); !errors.Is(err, registry.ErrOffline) {
		t.Fatalf("refresh: %v", err)
	}
	pub := newFixture(t, 0)
	h, _ := pub.reg.Head(ctx)
	if _, err := c.fetcher.Blocks().Get(ctx, h.Root); !errors.Is(err, registry.ErrOffline) {
		t.Fatalf("get: %v", err)
	}
}

func TestFetchRepairsCorruptLocalBlock(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	c := newClient(t, nil, pub.serve(t, "gw"))
	r, err := c.fetcher.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.blocks.Corrupt(r.Head.Root, []byte("rot"))
	if _, err := c.fetcher.Blocks().Get(ctx, r.Head.Root); err != nil {
		t.Fatalf("get over a corrupt copy: %v", err)
	}
	if _, err := c.blocks.Get(ctx, r.Head.Root); err != nil {
		t.Fatalf("the copy was not repaired: %v", err)
	}
}

func TestAdopt(t *testing.T) {
	ctx := context.Background()
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	h2, _ := pub.reg.Head(ctx)
	pub.publish(t, "tts@1.0.1", "two")
	h3, _ := pub.reg.Head(ctx)

	c := newClient(t, nil) // offline: blocks must be local
	if _, _, err := c.fetcher.Adopt(ctx, h3.Record); !errors.Is(err, registry.ErrOffline) {
		t.Fatalf("adopt without the blocks: %v", err)
	}
	b, _ := pub.blocks.Get(ctx, h3.Root)
	c.blocks.Put(ctx, h3.Root, b)
	head, changed, err := c.fetcher.Adopt(ctx, h3.Record)
	if err != nil || !changed || head.Seq != 3 {
		t.Fatalf("adopt: %+v %v %v", head, changed, err)
	}
	if _, changed, err := c.fetcher.Adopt(ctx, h3.Record); err != nil || changed {
		t.Fatalf("adopt again: %v %v", changed, err)
	}
	if _, _, err := c.fetcher.Adopt(ctx, h2.Record); !errors.Is(err, registry.ErrRollback) {
		t.Fatalf("adopt older: %v", err)
	}
	if _, _, err := c.fetcher.Adopt(ctx, []byte("k51other x 9")); !errors.Is(err, errBadRecord) {
		t.Fatalf("adopt forged: %v", err)
	}
	// The index and service blocks are not here, and offline nobody
	// fetches them.
	sp, _ := manifest.ParseSpec("tts")
	if _, err := c.reg.Resolve(ctx, sp); !errors.Is(err, registry.ErrOffline) {
		t.Fatalf("resolve offline without the index: %v", err)
	}
}

func TestReleasePath(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 200) // small leaves: a branch index
	for i := range 20 {
		f.publish(t, fmt.Sprintf("svc%02d@1.0.0", i), fmt.Sprint(i))
	}
	h, _ := f.reg.Head(ctx)
	path, err := f.reg.ReleasePath(ctx, "svc07", manifest.MustParseVersion("1.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	if len(path) < 4 || !path[0].Equals(h.Root) {
		t.Fatalf("path %v: want root, >= 2 index nodes, service", path)
	}
	// The path alone resolves the service.
	c := newClient(t, nil)
	for _, k := range path {
		b, _ := f.blocks.Get(ctx, k)
		c.blocks.Put(ctx, k, b)
	}
	if _, _, err := c.fetcher.Adopt(ctx, h.Record); err != nil {
		t.Fatal(err)
	}
	c.resolve(t, "svc07@1")
	if _, err := f.reg.ReleasePath(ctx, "nope", manifest.MustParseVersion("1.0.0")); !errors.Is(err, registry.ErrServiceNotFound) {
		t.Fatalf("missing service: %v", err)
	}
	if _, err := f.reg.ReleasePath(ctx, "svc07", manifest.MustParseVersion("9.0.0")); !errors.Is(err, manifest.ErrVersionNotFound) {
		t.Fatalf("missing version: %v", err)
	}
}

// newFixtureNamed is newFixture for a registry with another name.
func newFixtureNamed(t testing.TB, name string) *fixture {
	t.Helper()
	f := &fixture{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	reg, err := registry.New(registry.Config{Blocks: f.blocks, Index: f.cache, Signer: registrytest.Signer{N: name}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	return f
}
