package registry_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"slices"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// rotate makes the next Root of f's current one with ch, signed by
// signers.
func rotate(t testing.TB, f *fixture, ch registry.RootChange, signers ...ed25519.PrivateKey) *trust.SignedRoot {
	t.Helper()
	cur, curCID, err := f.reg.CurrentRoot(context.Background())
	if err != nil || cur == nil {
		t.Fatalf("current root: %v %v", cur, err)
	}
	if ch.Expires.IsZero() {
		ch.Expires = trustClock.AddDate(1, 0, 0)
	}
	next, err := registry.NextRoot(cur, curCID, ch)
	if err != nil {
		t.Fatal(err)
	}
	sr := &trust.SignedRoot{Root: *next}
	for _, k := range signers {
		if _, err := registry.SignRoot(sr, &cur.Root, k); err != nil {
			t.Fatal(err)
		}
	}
	return sr
}

// swapPublishKey is the rotation of the case 8: publish key 2
// removed, publish key 3 added.
func swapPublishKey() registry.RootChange {
	return registry.RootChange{
		Add:    []registry.RoleKey{{Role: trust.RolePublish, Key: pubOf(testKey(3))}},
		Remove: []string{trust.KeyID(pubOf(testKey(2)))},
	}
}

func TestNextRoot(t *testing.T) {
	f, v1CID := newRootFixture(t)
	sr := rotate(t, f, swapPublishKey())
	r := sr.Root
	if r.Version != 2 || !r.Prev.Equals(v1CID) || r.MaxRecordLifetime == 0 || !r.Expires.Equal(trustClock.AddDate(1, 0, 0)) {
		t.Fatalf("root v%d prev %s lifetime %s expires %s", r.Version, r.Prev, r.MaxRecordLifetime, r.Expires)
	}
	if got := r.Roles[trust.RolePublish].KeyIDs; !slices.Equal(got, []string{trust.KeyID(pubOf(testKey(3)))}) {
		t.Fatalf("publish keys %v", got)
	}
	if _, ok := r.Keys[trust.KeyID(pubOf(testKey(2)))]; ok || len(r.Keys) != 2 {
		t.Fatalf("keys %v: the removed key is kept", r.Keys)
	}
	cur, _, _ := f.reg.CurrentRoot(context.Background())
	diff := registry.CompareRoots(&cur.Root, &r)
	if diff[0].Changed() || !diff[1].Changed() || len(diff[1].Added) != 1 || len(diff[1].Removed) != 1 {
		t.Fatalf("diff %+v", diff)
	}
	// a renewal changes only the expiry
	renew := rotate(t, f, registry.RootChange{Expires: trustClock.AddDate(2, 0, 0)})
	if !renew.Root.Expires.Equal(trustClock.AddDate(2, 0, 0)) || registry.CompareRoots(&cur.Root, &renew.Root)[1].Changed() {
		t.Fatalf("renewal: %+v", renew.Root)
	}
}

func TestNextRootRefuses(t *testing.T) {
	f, _ := newRootFixture(t)
	cur, curCID, err := f.reg.CurrentRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]registry.RootChange{
		"threshold above keys": {Thresholds: map[string]int{trust.RolePublish: 2}},
		"threshold 0":          {Thresholds: map[string]int{trust.RoleRoot: 0}},
		"no publish key left":  {Remove: []string{trust.KeyID(pubOf(testKey(2)))}},
		"unknown key removed":  {Remove: []string{trust.KeyID(pubOf(testKey(7)))}},
		"key added twice":      {Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pubOf(testKey(1))}}},
		"unknown role":         {Add: []registry.RoleKey{{Role: "timestamp", Key: pubOf(testKey(7))}}},
	} {
		ch.Expires = trustClock.AddDate(1, 0, 0)
		if _, err := registry.NextRoot(cur, curCID, ch); !errors.Is(err, registry.ErrRootChange) {
			t.Errorf("%s: %v, want ErrRootChange", name, err)
		}
	}
	// NewRoot needs both roles
	if _, err := registry.NewRoot(regName, registry.RootChange{Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pubOf(testKey(1))}}}, 1e9); !errors.Is(err, registry.ErrRootChange) {
		t.Errorf("v1 without a publish key: %v", err)
	}
}

func TestSignRoot(t *testing.T) {
	f, _ := newRootFixture(t)
	cur, _, _ := f.reg.CurrentRoot(context.Background())
	sr := rotate(t, f, registry.RootChange{Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pubOf(testKey(4))}}})
	for i, k := range []ed25519.PrivateKey{testKey(4), testKey(1), testKey(1)} {
		added, err := registry.SignRoot(sr, &cur.Root, k)
		if err != nil || added != (i < 2) {
			t.Fatalf("signature %d: added %v, %v", i, added, err)
		}
	}
	if len(sr.Signatures) != 2 || sr.Signatures[0].KeyID > sr.Signatures[1].KeyID {
		t.Fatalf("signatures %v: signing twice counts once, in key id order", sr.Signatures)
	}
	if n, _ := registry.RootSigned(&sr.Root, &sr.Root, sr.Signatures); n != 2 {
		t.Fatalf("new root: %d signed", n)
	}
	if n, _ := registry.RootSigned(&cur.Root, &sr.Root, sr.Signatures); n != 1 {
		t.Fatalf("old root: %d signed", n)
	}
	if _, err := registry.SignRoot(sr, &cur.Root, testKey(2)); !errors.Is(err, registry.ErrNotRootKey) {
		t.Fatalf("a publish key signs a root: %v", err)
	}
	// the file round trip keeps the signatures and carries the prev
	var buf bytes.Buffer
	c, err := car.WriteRoot(context.Background(), &buf, sr, cur, nil)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := car.ReadRoot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !rf.Root.Equals(c) || rf.Prev == nil || !rf.Prev.Root.Equal(&cur.Root) || len(rf.Signed.Signatures) != 2 || !rf.Signed.Root.Equal(&sr.Root) {
		t.Fatalf("read back %+v", rf)
	}
}

func TestSubmitRoot(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	before := f.publish(t, "tts@1.0.0", "one")
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	sr := rotate(t, f, swapPublishKey(), testKey(1))
	// the old publish key may not sign the manifest that links the new Root
	if _, err := f.reg.SubmitRoot(ctx, sr); !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("submit signed by the removed publish key: %v", err)
	}
	f.reg.UsePublishKeys(registry.Ed25519PublishKey(testKey(3)))
	h, err := f.reg.SubmitRoot(ctx, sr)
	if err != nil {
		t.Fatal(err)
	}
	v2, v2CID, _ := f.reg.CurrentRoot(ctx)
	if v2.Root.Version != 2 {
		t.Fatalf("current root v%d", v2.Root.Version)
	}
	if rf, _ := f.cache.RootFloor(ctx, regName); rf != (registry.RootFloor{Root: v2CID, Version: 2}) {
		t.Fatalf("publisher's root floor %+v, head seq %d", rf, h.Seq)
	}
	after := f.publish(t, "tts@1.1.0", "two")
	// the client follows, and refuses a release the removed key signs
	c.fetcher = newTrustClientFetcher(t, c, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if rf := rootFloor(t, c); rf.Version != 2 {
		t.Fatalf("client's root floor %+v, want v2", rf)
	}
	if got := c.resolve(t, "tts@1.0.0"); !got.Equals(before) {
		t.Fatalf("tts@1.0.0 is %s, want %s", got, before)
	}
	if got := c.resolve(t, "tts@1.1.0"); !got.Equals(after) {
		t.Fatalf("tts@1.1.0 is %s, want %s", got, after)
	}
	f.reg.UsePublishKeys(registry.Ed25519PublishKey(testKey(2)))
	if _, _, err := f.reg.Publish(ctx, registry.Publication{Service: "tts", Version: manifest.MustParseVersion("1.2.0"), Content: f.content(t, "x"), Size: 1, Profile: "unixfs-v1-2025"}); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("publish with the removed key: %v", err)
	}
	// nor does a client accept a manifest the removed key signed
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, func(m *manifest.Manifest) {
		s, err := trust.SignManifest(testKey(2), m)
		if err != nil {
			t.Fatal(err)
		}
		m.Signatures = []trust.Signature{s}
	}))
	refuse(t, c, trust.ErrThreshold)
}

// Refusals of SubmitRoot: each leaves the head where it was.
func TestSubmitRootRefuses(t *testing.T) {
	ctx := context.Background()
	f, v1CID := newRootFixture(t)
	cur, _, _ := f.reg.CurrentRoot(ctx)
	addRoot := registry.RootChange{Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pubOf(testKey(4))}},
		Remove: []string{trust.KeyID(pubOf(testKey(1)))}}
	// v2 replaces root key 1 by root key 4
	signedBy := func(ks ...ed25519.PrivateKey) *trust.SignedRoot { return rotate(t, f, addRoot, ks...) }
	v3 := func() *trust.SignedRoot {
		next, err := registry.NextRoot(signedBy(testKey(1), testKey(4)), v1CID, registry.RootChange{Expires: trustClock.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		next.Version = 3
		sr := &trust.SignedRoot{Root: *next}
		registry.SignRoot(sr, nil, testKey(4))
		return sr
	}
	wrongRegistry := signedBy(testKey(1), testKey(4))
	wrongRegistry.Root.Registry = "k51other"
	wrongPrev := signedBy(testKey(1), testKey(4))
	wrongPrev.Root.Prev = f.content(t, "not a root")
	expired := rotate(t, f, registry.RootChange{Expires: trustClock.Add(-1)}, testKey(1))
	// v2 as it should be: signed by both
	good := signedBy(testKey(1), testKey(4))
	for name, tc := range map[string]struct {
		sr   *trust.SignedRoot
		want error
	}{
		"old threshold only": {signedBy(testKey(1)), trust.ErrThreshold},
		"new threshold only": {signedBy(testKey(4)), trust.ErrThreshold},
		"jump v1 to v3":      {v3(), trust.ErrRootVersion},
		"another registry":   {wrongRegistry, trust.ErrWrongRegistry},
		"another prev":       {wrongPrev, trust.ErrWrongRoot},
		"expired":            {expired, trust.ErrRootExpired},
		"same version again": {cur, trust.ErrRootVersion},
	} {
		before, _ := f.reg.Head(ctx)
		if _, err := f.reg.SubmitRoot(ctx, tc.sr); !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want ErrUntrusted and %v", name, err, tc.want)
		}
		if after, _ := f.reg.Head(ctx); after.Seq != before.Seq {
			t.Fatalf("%s: the head moved", name)
		}
	}
	// a key revoked in v2 signs v3: refused
	if _, err := f.reg.SubmitRoot(ctx, good); err != nil {
		t.Fatal(err)
	}
	v2, _, _ := f.reg.CurrentRoot(ctx)
	// the thief of key 1 makes a v3 that gives it the root role back
	bad := rotate(t, f, registry.RootChange{Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pubOf(testKey(1))}}})
	if _, err := registry.SignRoot(bad, &v2.Root, testKey(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.SubmitRoot(ctx, bad); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("v3 signed by the key v2 revoked: %v, want ErrThreshold", err)
	}
	// a plain registry takes only a version 1 signed by itself
	p := newFixture(t, 0)
	if _, _, err := p.reg.CurrentRoot(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reg.SubmitRoot(ctx, good); !errors.Is(err, trust.ErrRootVersion) {
		t.Fatalf("v2 on a plain registry: %v", err)
	}
}

// A plain registry gets Root version 1: same name, history kept.
func TestSubmitRootUpgradesPlainRegistry(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 0)
	before := f.publish(t, "tts@1.0.0", "one")
	r, err := registry.NewRoot(regName, registry.RootChange{Expires: trustClock.AddDate(1, 0, 0), Add: []registry.RoleKey{
		{Role: trust.RoleRoot, Key: pubOf(testKey(1))}, {Role: trust.RolePublish, Key: pubOf(testKey(2))}}}, 48*3600e9)
	if err != nil {
		t.Fatal(err)
	}
	sr := &trust.SignedRoot{Root: *r}
	if _, err := f.reg.SubmitRoot(ctx, sr); !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("unsigned v1: %v", err)
	}
	registry.SignRoot(sr, nil, testKey(1))
	f.reg.UsePublishKeys(registry.Ed25519PublishKey(testKey(2)))
	h, err := f.reg.SubmitRoot(ctx, sr)
	if err != nil {
		t.Fatal(err)
	}
	if h.Name != regName || h.Seq != 3 {
		t.Fatalf("head %s seq %d", h.Name, h.Seq)
	}
	if res, err := f.resolve(t, "tts@1.0.0"); err != nil || !res.CID.Equals(before) {
		t.Fatalf("tts@1.0.0: %v %v", res, err)
	}
	if _, err := f.reg.SubmitRoot(ctx, sr); !errors.Is(err, trust.ErrRootVersion) {
		t.Fatalf("v1 again: %v", err)
	}
}

// A client at root v1 follows a head that links v3, walking the prev
// links back and fetching each Root block.
func TestFetchFollowsRootChain(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, k := range []byte{3, 5} {
		ch := registry.RootChange{Add: []registry.RoleKey{{Role: trust.RolePublish, Key: pubOf(testKey(k))}},
			Thresholds: map[string]int{trust.RolePublish: 1}}
		if _, err := f.reg.SubmitRoot(ctx, rotate(t, f, ch, testKey(1))); err != nil {
			t.Fatal(err)
		}
	}
	want := f.publish(t, "tts@1.1.0", "two")
	v3, v3CID, _ := f.reg.CurrentRoot(ctx)
	if v3.Root.Version != 3 {
		t.Fatalf("v%d", v3.Root.Version)
	}
	c.fetcher = newTrustClientFetcher(t, c, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if rf := rootFloor(t, c); rf != (registry.RootFloor{Root: v3CID, Version: 3}) {
		t.Fatalf("client's root floor %+v, want v3 %s", rf, v3CID)
	}
	if got := c.resolve(t, "tts@1.1.0"); !got.Equals(want) {
		t.Fatalf("resolved %s, want %s", got, want)
	}
	if _, err := c.blocks.Get(ctx, v3.Root.Prev); err != nil {
		t.Fatalf("root v2 was not fetched: %v", err)
	}
}
