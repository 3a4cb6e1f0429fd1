package registry_test

// The attacks of TUF's client workflow against a registry with a trust
// Root, each shown on a client fetching from in-process sources: the
// head, the seq floor and the root floor are left as they were.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// signedBy returns a mutation for forge that signs the manifest with pub
// as it stands (after the mutations before it).
func signedBy(t testing.TB, pub ed25519.PrivateKey) func(m *manifest.Manifest) {
	return func(m *manifest.Manifest) {
		m.Signatures = nil
		s, err := trust.SignManifest(pub, m)
		if err != nil {
			t.Fatal(err)
		}
		m.Signatures = []manifest.Signature{s}
	}
}

// both applies mutations in order.
func both(ms ...func(m *manifest.Manifest)) func(m *manifest.Manifest) {
	return func(m *manifest.Manifest) {
		for _, f := range ms {
			f(m)
		}
	}
}

// textRecord is a record of registrytest.Signer's form with an end of
// life (fakeVerifier's fourth field).
func textRecord(root cid.Cid, seq uint64, eol time.Time) []byte {
	return fmt.Appendf(nil, "%s %s %d %d", regName, root, seq, eol.Unix())
}

// unmoved runs fn and fails unless c's head, seq floor and root floor are
// as they were; it returns fn's error.
func unmoved(t *testing.T, c *client, fn func() error) error {
	t.Helper()
	before := clientState(t, c)
	err := fn()
	after := clientState(t, c)
	if !after.head.Root.Equals(before.head.Root) || after.head.Seq != before.head.Seq || after.floor != before.floor || after.root != before.root {
		t.Fatalf("the client moved: %+v, was %+v", after, before)
	}
	return err
}

func wantErrs(t *testing.T, err error, want ...error) {
	t.Helper()
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Fatalf("err %v, want %v", err, w)
		}
	}
}

// refresh refreshes c from srcs with a fresh fetcher (c's index kept).
func refresh(t *testing.T, c *client, srcs ...registry.Source) (registry.Refresh, error) {
	t.Helper()
	c.fetcher = newTrustClientFetcher(t, c, srcs...)
	return c.fetcher.Refresh(context.Background())
}

// Rollback: an older valid record and manifest after a newer one is
// refused; a fresh home offered a state older than its lock's neither
// checks the lock nor locks back to it.
func TestAttackRollback(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	old := f.serve(t, "old") // seq 2
	f.publish(t, "tts@1.0.1", "two")
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	err := unmoved(t, c, func() error { _, err := refresh(t, c, old); return err })
	wantErrs(t, err, registry.ErrRollback)

	p := lockProject(t, map[string]string{"tts": "^1.0.0"})
	lock, err := f.reg.Lock(ctx, p, nil, registry.LockOptions{})
	if err != nil || lock.Lock.Seq != 3 {
		t.Fatalf("lock at seq 3: %+v, %v", lock.Lock, err)
	}
	fresh := newTrustClient(t, old)
	if _, err := fresh.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := fresh.reg.Lock(ctx, p, lock.Lock, registry.LockOptions{}); !errors.Is(err, registry.ErrUnverifiable) {
		t.Fatalf("lock against seq 2 with a lock at seq 3: %v, want ErrUnverifiable", err)
	}
	rep, err := fresh.reg.Check(ctx, p, lock.Lock, registry.CheckOptions{})
	if err != nil || !rep.Failed() || !slices.ContainsFunc(rep.Findings, func(f registry.Finding) bool { return f.Kind == registry.FindingUnverifiable }) {
		t.Fatalf("check against seq 2 with a lock at seq 3: %+v, %v; want an unverifiable failure", rep.Findings, err)
	}
}

// Fast-forward and mix-and-match: a record at seq 2^63 or 8 for the
// manifest at seq 7, and a manifest naming another registry, are refused
// without moving the floor, which a real seq 7 then passes.
func TestAttackFastForwardAndMixAndMatch(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	for i := range 5 {
		f.publish(t, fmt.Sprintf("tts@1.0.%d", i), fmt.Sprint(i))
	}
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f.publish(t, "tts@1.0.5", "5")
	h7, err := f.reg.Head(ctx)
	if err != nil || h7.Seq != 7 {
		t.Fatalf("publisher at seq %d, %v", h7.Seq, err)
	}
	for _, seq := range []uint64{1 << 63, 8} {
		src := &source{name: "hostile", blocks: f.blocks, record: textRecord(h7.Root, seq, time.Time{})}
		err := unmoved(t, c, func() error { _, err := refresh(t, c, src); return err })
		wantErrs(t, err, manifest.ErrInvalidManifest)
	}
	other := f.forge(t, both(func(m *manifest.Manifest) {
		m.Seq, m.Registry = 8, "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
	}, signedBy(t, testKey(2))))
	err = unmoved(t, c, func() error { _, err := refresh(t, c, other); return err })
	wantErrs(t, err, manifest.ErrInvalidManifest)

	if _, err := refresh(t, c, f.serve(t, "gw")); err != nil {
		t.Fatalf("the real seq 7 after the refusals: %v", err)
	}
	if h, _ := c.cache.Head(ctx, regName); h.Seq != 7 {
		t.Fatalf("head at seq %d, want 7", h.Seq)
	}
}

// Freeze: a record valid for longer than the Root allows, and a Root past
// its expiry, are refused.
func TestAttackFreeze(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f.publish(t, "tts@1.0.0", "one")
	h, err := f.reg.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	beyond := &source{name: "hostile", blocks: f.blocks, record: textRecord(h.Root, h.Seq, trustClock.Add(49*time.Hour))}
	err = unmoved(t, c, func() error { _, err := refresh(t, c, beyond); return err })
	wantErrs(t, err, registry.ErrUntrusted)

	// the same state, its Root expired by the client's clock
	late, err := registry.NewFetcher(registry.FetcherConfig{
		Name: regName, Blocks: c.blocks, Index: c.cache, Verifier: fakeVerifier{},
		Sources: []registry.Source{f.serve(t, "gw")},
		Now:     func() time.Time { return trustClock.AddDate(1, 0, 1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	err = unmoved(t, c, func() error { _, err := late.Refresh(ctx); return err })
	wantErrs(t, err, registry.ErrUntrusted, trust.ErrRootExpired)

	within := &source{name: "gw", blocks: f.blocks, record: textRecord(h.Root, h.Seq, trustClock.Add(47*time.Hour))}
	if _, err := refresh(t, c, within); err != nil {
		t.Fatalf("a record within the Root's lifetime: %v", err)
	}
}

// Freeze and endless data at the record: a record past its end of life,
// and an 11 KiB record (refused by its size before its signature is
// checked), as the IPNS verifier that every command uses sees them.
func TestAttackRecordEOLAndSize(t *testing.T) {
	ctx := context.Background()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blocks := registrytest.NewBlocks() // the record is refused before any block is asked for
	target, err := cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: 0x12, MhLength: -1}.Sum([]byte{0xa0})
	if err != nil {
		t.Fatal(err)
	}
	past := &ipns.Signer{Key: k, Lifetime: time.Hour, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }}
	expired, err := past.Sign(target, 1)
	if err != nil {
		t.Fatal(err)
	}
	live, err := ipns.NewSigner(k).Sign(target, 1)
	if err != nil {
		t.Fatal(err)
	}
	huge := append(bytes.Clone(live), make([]byte, 11<<10-len(live))...)
	for _, tc := range []struct {
		name   string
		record []byte
		want   error
		text   string
	}{
		{"end of life passed", expired, ipns.ErrExpiredRecord, ""},
		{"11 KiB", huge, ipns.ErrInvalidRecord, fmt.Sprintf("%d bytes, limit 10240", len(huge))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := &source{name: "hostile", blocks: blocks, record: tc.record}
			index := registrytest.NewIndex()
			fe, err := registry.NewFetcher(registry.FetcherConfig{Name: k.Name(), Blocks: registrytest.NewBlocks(), Index: index,
				Sources: []registry.Source{src}, Verifier: follow.Verifier{}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = fe.Refresh(ctx)
			if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.text) {
				t.Fatalf("refresh: %v, want %v %q", err, tc.want, tc.text)
			}
			if h, err := index.Head(ctx, k.Name()); !errors.Is(err, registry.ErrNoHead) {
				t.Fatalf("head %+v after a refused record", h)
			}
			if src.calls != 1 {
				t.Fatalf("%d calls to the source: a block was fetched for a refused record", src.calls)
			}
		})
	}
}

// thirtyThree returns the manifest block m with 33 copies of its one
// signature, which EncodeManifest refuses to make: the signature list
// of 32 with one more item spliced in.
func thirtyThree(t testing.TB, m *manifest.Manifest) (cid.Cid, []byte) {
	t.Helper()
	enc := func(n int) []byte {
		mm := *m
		mm.Signatures = slices.Repeat(m.Signatures[:1], n)
		b, err := manifest.EncodeManifest(&mm)
		if err != nil {
			t.Fatal(err)
		}
		return b.Data
	}
	d32, d31 := enc(32), enc(31)
	i := 0
	for d32[i] == d31[i] {
		i++
	}
	if d32[i-1] != 0x98 || d32[i] != 32 {
		t.Fatalf("no 32-item list header at %d", i)
	}
	item := d32[i+1 : i+1+len(d32)-len(d31)]
	data := slices.Concat(d32[:i], []byte{33}, item, d32[i+1:])
	c, err := cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: 0x12, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}

// Endless data: a 65 KiB Root, a manifest with 33 signatures and a
// 257-step Root chain are refused by their caps before any signature is
// verified (the errors are the caps'), and never stored.
func TestAttackEndlessData(t *testing.T) {
	ctx := context.Background()
	f, root1 := newRootFixture(t)
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	put := func(data []byte) cid.Cid {
		k, err := cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: 0x12, MhLength: -1}.Sum(data)
		if err != nil {
			t.Fatal(err)
		}
		f.blocks.Put(ctx, k, data)
		return k
	}

	t.Run("65 KiB root", func(t *testing.T) {
		n := 65 << 10 // a CBOR byte string of n bytes: major type 2, 4-byte length
		big := put(append([]byte{0x5a, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, make([]byte, n)...))
		src := f.forge(t, both(func(m *manifest.Manifest) { m.Root = big }, signedBy(t, testKey(2))))
		err := unmoved(t, c, func() error { _, err := refresh(t, c, src); return err })
		wantErrs(t, err, trust.ErrTooLarge)
		if ok, _ := c.blocks.Has(ctx, big); ok {
			t.Fatal("the 65 KiB block was stored")
		}
	})

	t.Run("33 signatures", func(t *testing.T) {
		h, m, err := f.reg.Manifest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		next := *m
		next.Seq, next.Prev, next.Change = h.Seq+1, h.Root, "33 signatures"
		signedBy(t, testKey(2))(&next)
		k, data := thirtyThree(t, &next)
		f.blocks.Put(ctx, k, data)
		src := &source{name: "hostile", blocks: f.blocks, record: textRecord(k, next.Seq, time.Time{})}
		err = unmoved(t, c, func() error { _, err := refresh(t, c, src); return err })
		wantErrs(t, err, manifest.ErrTooManySignatures)
		if ok, _ := c.blocks.Has(ctx, k); ok {
			t.Fatal("the manifest with 33 signatures was stored")
		}
	})

	t.Run("257-step chain", func(t *testing.T) {
		far, _ := newRoot(t, 1+trust.MaxChainSteps+1, root1, testKey(1), testKey(2), testKey(1))
		farCID := f.putRoot(t, far)
		src := f.forge(t, both(func(m *manifest.Manifest) { m.Root = farCID }, signedBy(t, testKey(2))))
		err := unmoved(t, c, func() error { _, err := refresh(t, c, src); return err })
		wantErrs(t, err, registry.ErrUntrusted, trust.ErrChainTooLong)
		// the record, the manifest and the far Root: no step of the chain
		if src.calls != 3 {
			t.Fatalf("%d calls to the source, want 3 (record, manifest, root)", src.calls)
		}
	})
}

// Equivocation: a second publish-signed manifest at the head's seq is
// kept as evidence and reported; the head stays the first one seen. One
// signed with the IPNS key alone is no evidence, only a refusal.
func TestAttackEquivocation(t *testing.T) {
	ctx := context.Background()
	f, _ := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	head, _ := c.cache.Head(ctx, regName)

	forged := f.forgeAt(t, head.Seq-1, func(m *manifest.Manifest) { m.Change = "unsigned twin" })
	var res registry.Refresh
	unmoved(t, c, func() error {
		var err error
		res, err = refresh(t, c, f.serve(t, "gw"), forged)
		return err
	})
	if len(res.Problems) != 1 || errors.Is(res.Problems[0], registry.ErrEquivocation) || !errors.Is(res.Problems[0], registry.ErrUntrusted) {
		t.Fatalf("problems %v, want one untrusted refusal", res.Problems)
	}

	twin := f.forgeAt(t, head.Seq-1, both(func(m *manifest.Manifest) { m.Change = "signed twin" }, signedBy(t, testKey(2))))
	err := unmoved(t, c, func() error {
		var err error
		res, err = refresh(t, c, f.serve(t, "gw"), twin)
		return err
	})
	if err != nil || len(res.Problems) != 1 || !errors.Is(res.Problems[0], registry.ErrEquivocation) {
		t.Fatalf("refresh: %v, problems %v; want an equivocation reported", err, res.Problems)
	}
	twinRec, err := fakeVerifier{}.VerifyRecord(regName, twin.record)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.cache.Equivocations(ctx)
	want := []registry.Equivocation{{Name: regName, Seq: head.Seq, Kept: head.Root, Other: twinRec.Root}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("evidence %+v, %v; want %+v", got, err, want)
	}
	// offered again: reported again, kept once
	refresh(t, c, twin)
	if got, _ := c.cache.Equivocations(ctx); len(got) != 1 {
		t.Fatalf("evidence %+v, want it once", got)
	}
}
