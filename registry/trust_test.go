package registry_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

var trustClock = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func testKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// newRoot returns Root version v of regName with one root and one
// publish key, its prev set to prev, signed by signers.
func newRoot(t testing.TB, v uint64, prev cid.Cid, rootKey, pubKey ed25519.PrivateKey, signers ...ed25519.PrivateKey) (*trust.SignedRoot, cid.Cid) {
	t.Helper()
	rp, pp := rootKey.Public().(ed25519.PublicKey), pubKey.Public().(ed25519.PublicKey)
	r := trust.Root{
		Registry: regName, Version: v, Prev: prev, Expires: trustClock.AddDate(1, 0, 0), MaxRecordLifetime: 48 * time.Hour,
		Keys: map[string]ed25519.PublicKey{trust.KeyID(rp): rp, trust.KeyID(pp): pp},
		Roles: map[string]trust.Role{
			trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(rp)}, Threshold: 1},
			trust.RolePublish: {KeyIDs: []string{trust.KeyID(pp)}, Threshold: 1},
		},
	}
	sr := &trust.SignedRoot{Root: r}
	for _, k := range signers {
		s, err := trust.SignRoot(k, &r)
		if err != nil {
			t.Fatal(err)
		}
		sr.Signatures = append(sr.Signatures, s)
	}
	b, err := trust.EncodeSignedRoot(sr)
	if err != nil {
		t.Fatal(err)
	}
	return sr, b.CID
}

// newRootFixture is newFixture for a registry with a trust Root v1,
// whose publish key (seed 2) the publisher holds.
func newRootFixture(t testing.TB) (*fixture, cid.Cid) {
	t.Helper()
	f := &fixture{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	reg, err := registry.New(registry.Config{
		Blocks: f.blocks, Index: f.cache, Signer: registrytest.Signer{N: regName},
		PublishKeys: []registry.PublishKey{registry.Ed25519PublishKey(testKey(2))},
		Now:         func() time.Time { return trustClock },
	})
	if err != nil {
		t.Fatal(err)
	}
	sr, rootCID := newRoot(t, 1, cid.Undef, testKey(1), testKey(2), testKey(1))
	if _, err := reg.InitRoot(context.Background(), sr); err != nil {
		t.Fatal(err)
	}
	f.reg = reg
	return f, rootCID
}

// newTrustClient is newClient with the trust clock.
func newTrustClient(t testing.TB, srcs ...registry.Source) *client {
	t.Helper()
	c := &client{blocks: registrytest.NewBlocks(), cache: registrytest.NewIndex()}
	var err error
	c.fetcher, err = registry.NewFetcher(registry.FetcherConfig{
		Name: regName, Blocks: c.blocks, Index: c.cache, Sources: srcs, Verifier: fakeVerifier{},
		Now: func() time.Time { return trustClock },
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

// forge stores the manifest after the publisher's head, changed by
// mutate, and returns a source serving a record for it signed with the
// IPNS key alone: what a thief of that key can make.
func (f *fixture) forge(t testing.TB, mutate func(m *manifest.Manifest)) *source {
	t.Helper()
	ctx := context.Background()
	h, m, err := f.reg.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	next := *m
	next.Seq, next.Prev, next.Change = h.Seq+1, h.Root, "forged"
	next.Signatures = nil
	mutate(&next)
	b, err := manifest.EncodeManifest(&next)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.blocks.Put(ctx, b.CID, b.Data); err != nil {
		t.Fatal(err)
	}
	rec, err := registrytest.Signer{N: regName}.Sign(b.CID, next.Seq)
	if err != nil {
		t.Fatal(err)
	}
	return &source{name: "hostile", blocks: f.blocks, record: rec}
}

func (f *fixture) putRoot(t testing.TB, sr *trust.SignedRoot) cid.Cid {
	t.Helper()
	return f.put(t)(trust.EncodeSignedRoot(sr))
}

func rootFloor(t testing.TB, c *client) registry.RootFloor {
	t.Helper()
	rf, err := c.cache.RootFloor(context.Background(), regName)
	if err != nil {
		t.Fatal(err)
	}
	return rf
}

// state is what a refusal must leave as it was: the head, the seq floor
// and the root floor.
type state struct {
	head  registry.Head
	floor uint64
	root  registry.RootFloor
}

func clientState(t testing.TB, c *client) state {
	t.Helper()
	h, _ := c.cache.Head(context.Background(), regName)
	fl, err := c.cache.Floor(context.Background(), regName)
	if err != nil {
		t.Fatal(err)
	}
	return state{h, fl, rootFloor(t, c)}
}

func refuse(t *testing.T, c *client, want ...error) {
	t.Helper()
	before := clientState(t, c)
	_, err := c.fetcher.Refresh(context.Background())
	for _, w := range append([]error{registry.ErrUntrusted}, want...) {
		if !errors.Is(err, w) {
			t.Fatalf("refresh: %v, want %v", err, w)
		}
	}
	after := clientState(t, c)
	if !after.head.Root.Equals(before.head.Root) || after.head.Seq != before.head.Seq || after.floor != before.floor || after.root != before.root {
		t.Fatalf("a refused manifest moved the client: %+v, was %+v", after, before)
	}
}

func TestRootRegistryPublishesSigned(t *testing.T) {
	ctx := context.Background()
	f, rootCID := newRootFixture(t)
	want := f.publish(t, "tts@1.0.0", "one")
	_, m, err := f.reg.Manifest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Root.Equals(rootCID) || len(m.Signatures) != 1 || m.Signatures[0].KeyID != registry.Ed25519PublishKey(testKey(2)).KeyID() {
		t.Fatalf("seq %d links root %v with %d signatures", m.Seq, m.Root, len(m.Signatures))
	}
	if rf, _ := f.cache.RootFloor(ctx, regName); rf != (registry.RootFloor{Root: rootCID, Version: 1}) {
		t.Fatalf("publisher's root floor %+v", rf)
	}
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.resolve(t, "tts@1"); !got.Equals(want) {
		t.Fatalf("resolved %s, want %s", got, want)
	}
	if rf := rootFloor(t, c); rf != (registry.RootFloor{Root: rootCID, Version: 1}) {
		t.Fatalf("client's root floor %+v, want v1 %s (trust on first use)", rf, rootCID)
	}
}

func TestRootRegistryRefusesChangeWithoutPublishKey(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	before, _ := f.reg.Head(ctx)
	f.reg.UsePublishKeys()
	c := f.content(t, "one")
	_, _, err := f.reg.Publish(ctx, registry.Publication{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), Content: c, Size: 3, Profile: "unixfs-v1-2025"})
	if !errors.Is(err, registry.ErrNoPublishKey) {
		t.Fatalf("publish without a publish key: %v, want ErrNoPublishKey", err)
	}
	// a key the Root does not list signs nothing it accepts
	f.reg.UsePublishKeys(registry.Ed25519PublishKey(testKey(9)))
	_, _, err = f.reg.Publish(ctx, registry.Publication{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), Content: c, Size: 3, Profile: "unixfs-v1-2025"})
	if !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("publish with another key: %v, want ErrUntrusted and trust.ErrThreshold", err)
	}
	if after, _ := f.reg.Head(ctx); after.Seq != before.Seq {
		t.Fatalf("head moved to seq %d", after.Seq)
	}
}

// A thief of the IPNS key signs a record for a manifest with a higher seq
// and another release, without a publish signature: refused, by a client
// that saw the Root and by a fresh one.
func TestFetchRefusesManifestWithoutPublishSignature(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	evil := f.content(t, "evil")
	swap := func(m *manifest.Manifest) {
		ix := f.putIndex(t, map[string]cid.Cid{"tts": f.serviceBlockFor(t, "tts", "1.0.1", evil)})
		m.Services = ix
	}
	for _, fresh := range []bool{false, true} {
		c := newTrustClient(t, f.serve(t, "gw"))
		if !fresh {
			if _, err := c.fetcher.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
		}
		c.fetcher = newTrustClientFetcher(t, c, f.forge(t, swap))
		refuse(t, c, trust.ErrThreshold)
	}
}

// A client that has seen a Root refuses a manifest without one.
func TestFetchRefusesDowngrade(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, func(m *manifest.Manifest) { m.Root = cid.Undef }))
	refuse(t, c, registry.ErrDowngrade)
}

// The root floor moves forward along a verified chain, and never back.
func TestFetchRootFloor(t *testing.T) {
	ctx := context.Background()
	f, root1 := newRootFixture(t)
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	signed := func(root cid.Cid, pub ed25519.PrivateKey) func(m *manifest.Manifest) {
		return func(m *manifest.Manifest) {
			m.Root = root
			s, err := trust.SignManifest(pub, m)
			if err != nil {
				t.Fatal(err)
			}
			m.Signatures = []manifest.Signature{s}
		}
	}

	// v2 signed by the new root key only: refused
	bad, _ := newRoot(t, 2, root1, testKey(3), testKey(4), testKey(3))
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, signed(f.putRoot(t, bad), testKey(4))))
	refuse(t, c, trust.ErrThreshold)

	// a jump from v1 to v3 (prev chain broken): refused
	jump, _ := newRoot(t, 3, root1, testKey(1), testKey(2), testKey(1))
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, signed(f.putRoot(t, jump), testKey(2))))
	refuse(t, c, trust.ErrRootVersion)

	// v2 signed by the old and the new root keys, new publish key: accepted
	v2, _ := newRoot(t, 2, root1, testKey(3), testKey(4), testKey(1), testKey(3))
	root2 := f.putRoot(t, v2)
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, signed(root2, testKey(4))))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if rf := rootFloor(t, c); rf != (registry.RootFloor{Root: root2, Version: 2}) {
		t.Fatalf("root floor %+v, want v2 %s", rf, root2)
	}

	// back to v1 at a higher seq, signed by v1's publish key: refused
	h, _ := c.cache.Head(ctx, regName)
	c.fetcher = newTrustClientFetcher(t, c, f.forgeAt(t, h.Seq, signed(root1, testKey(2))))
	refuse(t, c, registry.ErrRollback)
}

// newTrustClientFetcher gives c a new fetcher over srcs (its index kept).
func newTrustClientFetcher(t testing.TB, c *client, srcs ...registry.Source) *registry.Fetcher {
	t.Helper()
	fe, err := registry.NewFetcher(registry.FetcherConfig{
		Name: regName, Blocks: c.blocks, Index: c.cache, Sources: srcs, Verifier: fakeVerifier{},
		Now: func() time.Time { return trustClock },
	})
	if err != nil {
		t.Fatal(err)
	}
	return fe
}

// forgeAt is forge for a manifest at seq+1 whatever the publisher's head.
func (f *fixture) forgeAt(t testing.TB, seq uint64, mutate func(m *manifest.Manifest)) *source {
	t.Helper()
	return f.forge(t, func(m *manifest.Manifest) {
		m.Seq = seq + 1
		mutate(m)
	})
}

// serviceBlockFor stores a service block with one release.
func (f *fixture) serviceBlockFor(t testing.TB, name, version string, content cid.Cid) cid.Cid {
	t.Helper()
	s := manifest.NewService(manifest.Name(name))
	if _, err := s.Add(manifest.MustParseVersion(version), manifest.Release{Content: content, Size: 4, Profile: "unixfs-v1-2025", Published: trustClock}); err != nil {
		t.Fatal(err)
	}
	return f.put(t)(manifest.EncodeService(s))
}

// Reach (what gc keeps and fsck checks) visits the Roots a state links.
func TestReachVisitsRoots(t *testing.T) {
	ctx := context.Background()
	f, root1 := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	h, err := f.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var roots []cid.Cid
	err = (&registry.Reach{Blocks: f.blocks}).Walk(ctx, h, func(c cid.Cid, kind registry.BlockKind, err error) error {
		if err != nil {
			t.Errorf("%s %s: %v", kind, c, err)
		}
		if kind == registry.KindRoot {
			roots = append(roots, c)
		}
		return nil
	})
	if err != nil || len(roots) != 1 || !roots[0].Equals(root1) {
		t.Fatalf("roots visited: %v (%v), want %s once", roots, err, root1)
	}
}
