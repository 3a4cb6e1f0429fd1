package registry_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
)

// linkedSignedBy returns a forge mutation that links root and signs the
// manifest with pub.
func linkedSignedBy(t testing.TB, root cid.Cid, pub ed25519.PrivateKey) func(m *manifest.Manifest) {
	return func(m *manifest.Manifest) {
		m.Root = root
		s, err := trust.SignManifest(pub, m)
		if err != nil {
			t.Fatal(err)
		}
		m.Signatures = []manifest.Signature{s}
	}
}

// trustLockFixture is a registry with Root v1 and tts 1.0.0, 1.0.1, and
// a client that follows it and has locked tts ^1.0.0.
func trustLockFixture(t *testing.T) (f *fixture, root1 cid.Cid, c *client, p *manifest.Project, l *manifest.Lock) {
	t.Helper()
	f, root1 = newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	f.publish(t, "tts@1.0.1", "two")
	c = newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	p = lockProject(t, map[string]string{"tts": "^1.0.0"})
	res, err := c.reg.Lock(context.Background(), p, nil, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return f, root1, c, p, res.Lock
}

// checkFindings checks l and returns its findings as findings does.
func checkFindings(t *testing.T, c *client, p *manifest.Project, l *manifest.Lock) (registry.Report, string) {
	t.Helper()
	rep, err := c.reg.Check(context.Background(), p, l, registry.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep, findings(rep)
}

func TestLockRecordsTrustRoot(t *testing.T) {
	ctx := context.Background()
	f, root1, c, p, l := trustLockFixture(t)
	if !l.Trust.Equal(&manifest.LockTrust{Root: root1, Version: 1}) {
		t.Fatalf("trust = %+v, want v1 %s", l.Trust, root1)
	}
	var b bytes.Buffer
	if err := manifest.EncodeLock(&b, l); err != nil || !strings.Contains(b.String(), `"lockfileVersion": 2,`) ||
		!strings.Contains(b.String(), `"root": {"/": "`+root1.String()+`"},`+"\n    \"rootVersion\": 1\n") {
		t.Fatalf("lock (%v):\n%s", err, b.String())
	}
	// the publisher's own lock records the same
	if res := mustLock(t, f, p, nil, registry.LockOptions{}); !res.Lock.Equal(l) || res.Trust == nil || res.Trust.Old != nil ||
		!strings.Contains(res.Trust.String(), "trusted on first use") {
		t.Fatalf("publisher's lock %+v, trust change %v", res.Lock, res.Trust)
	}
	if _, s := checkFindings(t, c, p, l); s != "" {
		t.Fatalf("check: %s", s)
	}
	// locking again changes nothing
	res, err := c.reg.Lock(ctx, p, l, registry.LockOptions{})
	if err != nil || res.Changed || res.Trust != nil || res.Lock != l {
		t.Fatalf("lock again: changed %v, trust %v (%v)", res.Changed, res.Trust, err)
	}

	// a version-1 lock (made before the registry had a Root) checks as
	// before, and lock upgrades it
	v1 := cloneLock(l)
	v1.Trust = nil
	if _, s := checkFindings(t, c, p, v1); s != "" {
		t.Fatalf("check of a version-1 lock: %s", s)
	}
	res, err = c.reg.Lock(ctx, p, v1, registry.LockOptions{})
	if err != nil || !res.Changed || len(res.Changes) != 0 || !res.Lock.Equal(l) || res.Trust == nil || res.Trust.Old != nil {
		t.Fatalf("lock of a version-1 lock: %+v, changes %v, trust %v (%v)", res.Lock, res.Changes, res.Trust, err)
	}

	// a registry without a Root gets a version-1 lock
	plain := lockFixture(t)
	if res := mustLock(t, plain, p, nil, registry.LockOptions{}); res.Lock.Trust != nil || res.Trust != nil {
		t.Fatalf("lock of a registry without a root records %+v", res.Lock.Trust)
	}
}

// A lock taken before a legitimate rotation still checks; lock then
// records the new Root.
func TestCheckTrustAfterRotation(t *testing.T) {
	ctx := context.Background()
	f, root1, c, p, l := trustLockFixture(t)
	v2, _ := newRoot(t, 2, root1, testKey(3), testKey(4), testKey(1), testKey(3))
	root2 := f.putRoot(t, v2)
	c.fetcher = newTrustClientFetcher(t, c, f.forge(t, linkedSignedBy(t, root2, testKey(4))))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, s := checkFindings(t, c, p, l); s != "" {
		t.Fatalf("check of a lock at root v1 after a rotation to v2: %s", s)
	}
	head, err := c.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.reg.Lock(ctx, p, l, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || !res.Lock.Trust.Equal(&manifest.LockTrust{Root: root2, Version: 2}) || res.Lock.Seq != head.Seq ||
		res.Trust == nil || !res.Trust.Old.Equal(l.Trust) || !strings.Contains(res.Trust.String(), "(was v1 "+root1.String()+")") {
		t.Fatalf("lock after the rotation: %+v trust %+v, change %v", res.Lock, res.Lock.Trust, res.Trust)
	}
	if _, s := checkFindings(t, c, p, res.Lock); s != "" {
		t.Fatalf("check of the new lock: %s", s)
	}

	// the lock's rootVersion edited: root v1's block is not v2
	edited := cloneLock(l)
	edited.Trust = &manifest.LockTrust{Root: root1, Version: 2}
	rep, s := checkFindings(t, c, p, edited)
	if !strings.Contains(s, "diverged! : ") || !errors.Is(rep.Findings[0].Err, registry.ErrRootDiverged) {
		t.Fatalf("check of an edited rootVersion: %s", s)
	}

	// svcreg.json pins: either version matches; another Root does not
	for _, pin := range []cid.Cid{root1, root2} {
		pp := *p
		pp.Root = pin
		if _, err := c.reg.Lock(ctx, &pp, nil, registry.LockOptions{}); err != nil {
			t.Fatalf("lock pinned at %s: %v", pin, err)
		}
		if _, s := checkFindings(t, c, &pp, res.Lock); s != "" {
			t.Fatalf("check pinned at %s: %s", pin, s)
		}
	}
	_, foreign := newRoot(t, 1, cid.Undef, testKey(7), testKey(8), testKey(7))
	pp := *p
	pp.Root = foreign
	if _, err := c.reg.Lock(ctx, &pp, nil, registry.LockOptions{}); !errors.Is(err, registry.ErrRootDiverged) {
		t.Fatalf("lock pinned at a foreign root: %v, want ErrRootDiverged", err)
	}
	if _, s := checkFindings(t, c, &pp, res.Lock); !strings.Contains(s, "does not descend from svcreg.json's root "+foreign.String()) {
		t.Fatalf("check pinned at a foreign root: %s", s)
	}
}

// A home that trusted a thief's Root on first use (or was shown no Root
// at all) holds a registry whose Root does not descend from the lock's.
func TestCheckTrustForeignRoot(t *testing.T) {
	ctx := context.Background()
	f, root1, _, p, l := trustLockFixture(t)
	foreign, _ := newRoot(t, 1, cid.Undef, testKey(7), testKey(8), testKey(7))
	foreignCID := f.putRoot(t, foreign)
	// v2 signed by its own new key only: a fresh home takes it on first
	// use, but it does not follow from v1
	unsigned, _ := newRoot(t, 2, root1, testKey(3), testKey(4), testKey(3))
	unsignedCID := f.putRoot(t, unsigned)

	for name, tt := range map[string]struct {
		mutate func(m *manifest.Manifest)
		want   []error
		msg    string
	}{
		"foreign root":    {linkedSignedBy(t, foreignCID, testKey(8)), nil, "its root v1 " + foreignCID.String() + " does not descend from the lock's root v1 " + root1.String()},
		"no root":         {func(m *manifest.Manifest) { m.Root, m.Signatures = cid.Undef, nil }, nil, "links no root; the lock's root v1"},
		"step not signed": {linkedSignedBy(t, unsignedCID, testKey(4)), []error{trust.ErrThreshold}, "root v2 by the trusted keys: signature threshold not met"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newTrustClient(t, f.forge(t, tt.mutate))
			if _, err := c.fetcher.Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			rep, s := checkFindings(t, c, p, l)
			if len(rep.Findings) != 1 || rep.Findings[0].Kind != registry.FindingDiverged || rep.Findings[0].Warning || !strings.Contains(s, tt.msg) {
				t.Fatalf("check: %s\nwant one diverged finding with %q", s, tt.msg)
			}
			for _, w := range append([]error{registry.ErrRootDiverged}, tt.want...) {
				if !errors.Is(rep.Findings[0].Err, w) {
					t.Fatalf("finding's error %v, want %v", rep.Findings[0].Err, w)
				}
			}
			before := cloneLock(l)
			if _, err := c.reg.Lock(ctx, p, l, registry.LockOptions{}); !errors.Is(err, registry.ErrRootDiverged) {
				t.Fatalf("lock: %v, want ErrRootDiverged", err)
			}
			if !l.Equal(before) {
				t.Fatal("lock changed the old lock")
			}
			pp := *p
			pp.Root = root1
			if _, err := c.reg.Lock(ctx, &pp, nil, registry.LockOptions{}); !errors.Is(err, registry.ErrRootDiverged) {
				t.Fatalf("lock pinned at root v1: %v, want ErrRootDiverged", err)
			}
			// without a pin or a lock, the first lock trusts what it sees
			if _, err := c.reg.Lock(ctx, p, nil, registry.LockOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
