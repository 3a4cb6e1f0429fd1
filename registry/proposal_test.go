package registry_test

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// thresholdRoot returns Root v1 of regName whose root key is testKey(1)
// and whose publish role is the keys pubs with threshold n, signed.
func thresholdRoot(t testing.TB, n int, pubs ...ed25519.PrivateKey) *trust.SignedRoot {
	t.Helper()
	rp := testKey(1).Public().(ed25519.PublicKey)
	r := trust.Root{Registry: regName, Version: 1, Expires: trustClock.AddDate(1, 0, 0), MaxRecordLifetime: 48 * time.Hour,
		Keys: map[string]ed25519.PublicKey{trust.KeyID(rp): rp}}
	var ids []string
	for _, k := range pubs {
		p := k.Public().(ed25519.PublicKey)
		r.Keys[trust.KeyID(p)] = p
		ids = append(ids, trust.KeyID(p))
	}
	slices.Sort(ids)
	r.Roles = map[string]trust.Role{
		trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(rp)}, Threshold: 1},
		trust.RolePublish: {KeyIDs: ids, Threshold: n},
	}
	s, err := trust.SignRoot(testKey(1), &r)
	if err != nil {
		t.Fatal(err)
	}
	return &trust.SignedRoot{Root: r, Signatures: []trust.Signature{s}}
}

// newThresholdFixture is a registry whose Root asks for 2 of the publish
// keys testKey(11), testKey(12), testKey(13). It starts with tts@1.0.0,
// and its Registry holds no publish key afterwards.
func newThresholdFixture(t testing.TB) *fixture { return newThresholdFixtureLeaves(t, 0, 0) }

// newThresholdFixtureLeaves is newThresholdFixture with the leaf limits
// of the service index and of version indexes.
func newThresholdFixtureLeaves(t testing.TB, indexLeaf, versionLeaf int) *fixture {
	t.Helper()
	f := &fixture{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	reg, err := registry.New(registry.Config{
		Blocks: f.blocks, Index: f.cache, Signer: registrytest.Signer{N: regName},
		PublishKeys: []registry.PublishKey{pk(11), pk(12)},
		Now:         func() time.Time { return trustClock }, IndexLeafMax: indexLeaf, VersionLeafMax: versionLeaf,
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.InitRoot(context.Background(), thresholdRoot(t, 2, testKey(11), testKey(12), testKey(13))); err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	f.publish(t, "tts@1.0.0", "one")
	reg.UsePublishKeys()
	return f
}

func pk(seed byte) registry.PublishKey { return registry.Ed25519PublishKey(testKey(seed)) }

func (f *fixture) proposePublish(t testing.TB, spec, content string) *registry.Change {
	t.Helper()
	name, v, err := manifest.ParseExact(spec)
	if err != nil {
		t.Fatal(err)
	}
	c := f.content(t, content)
	ch, err := f.reg.Proposer().Publish(context.Background(),
		registry.Publication{Service: name, Version: v, Content: c, Size: uint64(len(content)), Profile: "unixfs-v1-2025"})
	if err != nil || ch == nil {
		t.Fatalf("propose %s: %v %v", spec, ch, err)
	}
	return ch
}

// submit stores the change's blocks, as the home does from its file,
// and submits it.
func (f *fixture) submit(t testing.TB, ch *registry.Change) (registry.Head, error) {
	t.Helper()
	for k, d := range ch.Blocks {
		if err := f.blocks.Put(context.Background(), k, d); err != nil {
			t.Fatal(err)
		}
	}
	return f.reg.Submit(context.Background(), ch)
}

func sign(t testing.TB, ch *registry.Change, seed byte) bool {
	t.Helper()
	added, err := ch.Sign(context.Background(), pk(seed))
	if err != nil {
		t.Fatalf("sign with key %d: %v", seed, err)
	}
	return added
}

// The 2-of-3 flow: a proposal moves nothing; it shows what it does; one
// signature, or one key twice, is refused; two keys make it.
func TestProposeSignSubmit(t *testing.T) {
	ctx := context.Background()
	f := newThresholdFixture(t)
	before, _ := f.reg.Head(ctx)
	ch := f.proposePublish(t, "tts@1.0.1", "two")
	if h, _ := f.reg.Head(ctx); h.Seq != before.Seq || !h.Root.Equals(before.Root) {
		t.Fatalf("proposing moved the head to seq %d", h.Seq)
	}
	if !ch.Manifest.Prev.Equals(before.Root) || ch.Manifest.Seq != before.Seq+1 || len(ch.Manifest.Signatures) != 0 {
		t.Fatalf("proposal: seq %d prev %s with %d signatures", ch.Manifest.Seq, ch.Manifest.Prev, len(ch.Manifest.Signatures))
	}
	sum, err := ch.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range sum.Entries {
		lines = append(lines, e.String())
	}
	want := []string{"+ tts@1.0.1 " + f.content(t, "two").String() + " (3 bytes)", "tag tts latest → 1.0.1 (was 1.0.0)"}
	if !slices.Equal(lines, want) || sum.Threshold != 2 || len(sum.SignedBy) != 0 || sum.Ready() {
		t.Fatalf("summary %q, signed by %v of %d; want %q", lines, sum.SignedBy, sum.Threshold, want)
	}

	if _, err := f.reg.Submit(ctx, ch); !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("submit unsigned: %v, want ErrUntrusted and trust.ErrThreshold", err)
	}
	if !sign(t, ch, 11) || sign(t, ch, 11) {
		t.Fatal("a second signature by key 11 was added as new")
	}
	if n := len(ch.Manifest.Signatures); n != 1 {
		t.Fatalf("%d signatures after key 11 signed twice", n)
	}
	// the same key's signature twice in the list counts once
	twice := *ch.Manifest
	twice.Signatures = []manifest.Signature{ch.Manifest.Signatures[0], ch.Manifest.Signatures[0]}
	dup := &registry.Change{Manifest: &twice, Blocks: ch.Blocks}
	if _, err := f.reg.Submit(ctx, dup); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("submit with key 11 twice: %v, want trust.ErrThreshold", err)
	}
	if _, err := f.reg.Submit(ctx, ch); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("submit with 1 of 2: %v, want trust.ErrThreshold", err)
	}
	if h, _ := f.reg.Head(ctx); h.Seq != before.Seq {
		t.Fatalf("a refused submit moved the head to seq %d", h.Seq)
	}
	if !sign(t, ch, 13) {
		t.Fatal("key 13's signature not added")
	}
	if _, err := f.reg.Submit(ctx, ch); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("submit before its blocks are stored: %v, want ErrBlockNotFound", err)
	}
	h, err := f.submit(t, ch)
	if err != nil {
		t.Fatal(err)
	}
	if h.Seq != before.Seq+1 || !h.Root.Equals(ch.Block.CID) {
		t.Fatalf("head seq %d %s, want seq %d %s", h.Seq, h.Root, before.Seq+1, ch.Block.CID)
	}
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := c.resolve(t, "tts@latest"), f.content(t, "two"); !got.Equals(want) {
		t.Fatalf("client resolved %s, want %s", got, want)
	}
}

func TestSignRefusesUnlistedKey(t *testing.T) {
	f := newThresholdFixture(t)
	ch := f.proposePublish(t, "tts@1.0.1", "two")
	_, err := ch.Sign(context.Background(), pk(9))
	if !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, registry.ErrNotListed) {
		t.Fatalf("sign with an unlisted key: %v, want ErrUntrusted and ErrNotListed", err)
	}
	if len(ch.Manifest.Signatures) != 0 {
		t.Fatal("the refused key's signature was added")
	}
}

// Two proposals from one head: the second one submitted is stale.
func TestSubmitStale(t *testing.T) {
	ctx := context.Background()
	f := newThresholdFixture(t)
	a := f.proposePublish(t, "tts@1.0.1", "two")
	b := f.proposePublish(t, "tts@1.0.2", "three")
	for _, ch := range []*registry.Change{a, b} {
		sign(t, ch, 11)
		sign(t, ch, 12)
	}
	if _, err := f.submit(t, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.submit(t, b); !errors.Is(err, registry.ErrStaleProposal) {
		t.Fatalf("submit after the head moved: %v, want ErrStaleProposal", err)
	}
	if _, err := f.reg.Submit(ctx, a); !errors.Is(err, registry.ErrStaleProposal) {
		t.Fatalf("submit twice: %v, want ErrStaleProposal", err)
	}
}

// Tag and yank proposals show what they do; a change without the blocks
// of its changed paths cannot be shown.
func TestProposeTagYank(t *testing.T) {
	ctx := context.Background()
	f := newThresholdFixture(t)
	v := manifest.MustParseVersion("1.0.0")
	for _, tc := range []struct {
		name string
		fn   func(p *registry.Proposer) (*registry.Change, error)
		want string
	}{
		{"tag", func(p *registry.Proposer) (*registry.Change, error) { return p.Tag(ctx, "tts", v, "stable") }, "tag tts stable → 1.0.0"},
		{"yank", func(p *registry.Proposer) (*registry.Change, error) { return p.Yank(ctx, "tts", v, "too fast", false) },
			`yank tts@1.0.0 ("too fast")`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := tc.fn(f.reg.Proposer())
			if err != nil {
				t.Fatal(err)
			}
			sum, err := ch.Summarize(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, e := range sum.Entries {
				lines = append(lines, e.String())
			}
			if !slices.Contains(lines, tc.want) {
				t.Fatalf("summary %q lacks %q", lines, tc.want)
			}
			for k := range ch.Blocks {
				if k.Equals(ch.Manifest.Root) || k.Equals(ch.Manifest.Prev) {
					continue
				}
				short := &registry.Change{Manifest: ch.Manifest, Block: ch.Block, Blocks: map[cid.Cid][]byte{}}
				for k2, d := range ch.Blocks {
					if !k2.Equals(k) {
						short.Blocks[k2] = d
					}
				}
				if _, err := short.Summarize(ctx); !errors.Is(err, registry.ErrBlockNotFound) {
					t.Fatalf("summary without block %s: %v, want ErrBlockNotFound", k, err)
				}
			}
		})
	}
}

func TestProposeNeedsRoot(t *testing.T) {
	f := newFixture(t, 0)
	c := f.content(t, "one")
	_, err := f.reg.Proposer().Publish(context.Background(), registry.Publication{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), Content: c, Size: 3, Profile: "unixfs-v1-2025"})
	if !errors.Is(err, registry.ErrNoRoot) {
		t.Fatalf("propose without a root: %v, want ErrNoRoot", err)
	}
}

func TestChangeEntryStrings(t *testing.T) {
	for want, e := range map[string]registry.ChangeEntry{
		"unyank tts@1.0.0":                  {Op: registry.OpUnyank, Service: "tts", Version: "1.0.0"},
		"untag tts beta (was 1.1.0-beta.1)": {Op: registry.OpUntag, Service: "tts", Tag: "beta", OldTag: "1.1.0-beta.1"},
		"yank tts@1.0.0":                    {Op: registry.OpYank, Service: "tts", Version: "1.0.0"},
	} {
		if s := e.String(); s != want {
			t.Fatalf("%+v: %q, want %q", e, s, want)
		}
	}
}

// In a sharded index and a service whose versions are sharded, a
// proposal carries only the nodes along its changed paths, and what it
// shows is exactly what it does.
func TestProposeSharded(t *testing.T) {
	ctx := context.Background()
	f := newThresholdFixtureLeaves(t, 300, 300)
	f.reg.UsePublishKeys(pk(11), pk(12))
	for i := range 12 {
		f.publish(t, fmt.Sprintf("svc%d@1.0.0", i), fmt.Sprintf("s%d", i))
	}
	for i := 1; i < 12; i++ {
		f.publish(t, fmt.Sprintf("tts@1.0.%d", i), fmt.Sprintf("t%d", i))
	}
	f.reg.UsePublishKeys()
	ch := f.proposePublish(t, "tts@2.0.0", "big")
	sum, err := ch.Summarize(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range sum.Entries {
		lines = append(lines, e.String())
	}
	want := []string{"+ tts@2.0.0 " + f.content(t, "big").String() + " (3 bytes)", "tag tts latest → 2.0.0 (was 1.0.11)"}
	if !slices.Equal(lines, want) {
		t.Fatalf("summary %q, want %q", lines, want)
	}
	all := f.blocks.Len()
	if len(ch.Blocks) > 16 || len(ch.Blocks) >= all/2 {
		t.Fatalf("the change carries %d blocks of %d", len(ch.Blocks), all)
	}
	sign(t, ch, 12)
	sign(t, ch, 13)
	if _, err := f.submit(t, ch); err != nil {
		t.Fatal(err)
	}
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.resolve(t, "tts"); !got.Equals(f.content(t, "big")) {
		t.Fatalf("client resolved %s", got)
	}
	if got := c.resolve(t, "svc7"); !got.Equals(f.content(t, "s7")) {
		t.Fatalf("client resolved svc7 as %s", got)
	}
}
