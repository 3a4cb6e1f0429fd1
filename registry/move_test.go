package registry_test

import (
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

const newName = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"

// moveKeys are the IPNS keys of a move from regName to newName.
var moveKeys = registry.MoveKeys{New: registrytest.Signer{N: newName}, Final: registrytest.Signer{N: regName}}

// prepareMove returns the move of f's registry to newName, signed by
// signers.
func prepareMove(t testing.TB, f *fixture, signers ...ed25519.PrivateKey) *registry.Move {
	t.Helper()
	m, err := f.reg.PrepareMove(context.Background(), newName, registry.RootChange{Expires: trustClock.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range signers {
		if _, err := m.Sign(k); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// lockedClient is a client of f's registry that has verified its head,
// and a lock recording its Root.
func lockedClient(t testing.TB, f *fixture) (*client, *manifest.Lock) {
	t.Helper()
	c := newTrustClient(t, f.serve(t, "gw"))
	if _, err := c.fetcher.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, rootCID, err := f.reg.CurrentRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c, &manifest.Lock{Registry: regName, Trust: &manifest.LockTrust{Root: rootCID, Version: 1}}
}

// refreshFrom refreshes c from a source serving rec and f's blocks, and
// checks that the head stays where it was.
func refreshFrom(t testing.TB, c *client, f *fixture, rec []byte) error {
	t.Helper()
	ctx := context.Background()
	before, _ := c.cache.Head(ctx, regName)
	c.fetcher = mustFetcher(t, c, &source{name: "gw", blocks: f.blocks, record: rec})
	_, err := c.fetcher.Refresh(ctx)
	if after, _ := c.cache.Head(ctx, regName); after.Seq != before.Seq || !after.Root.Equals(before.Root) {
		t.Fatalf("the head moved from seq %d to %d", before.Seq, after.Seq)
	}
	return err
}

func mustFetcher(t testing.TB, c *client, src registry.Source) *registry.Fetcher {
	t.Helper()
	f, err := registry.NewFetcher(registry.FetcherConfig{
		Name: regName, Blocks: c.blocks, Index: c.cache, Sources: []registry.Source{src}, Verifier: fakeVerifier{},
		Now: func() time.Time { return trustClock },
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Case 9: after a move, the old name's final record points at a Moved
// block that a client verifies and reports (ErrMoved, the head unmoved);
// the new name's first state follows the old head, linking the new Root.
func TestMove(t *testing.T) {
	ctx := context.Background()
	f, v1 := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	c, lock := lockedClient(t, f)

	m := prepareMove(t, f)
	if _, err := f.reg.SubmitMove(ctx, m, moveKeys); !errors.Is(err, registry.ErrUntrusted) || !errors.Is(err, trust.ErrThreshold) {
		t.Fatalf("an unsigned move: %v, want ErrUntrusted, ErrThreshold", err)
	}
	if added, err := m.Sign(testKey(1)); err != nil || !added || !m.RootComplete() || m.MovedSigned() != 1 {
		t.Fatalf("sign: %v %v complete %v moved signed %d", added, err, m.RootComplete(), m.MovedSigned())
	}
	if added, _ := m.Sign(testKey(1)); added {
		t.Fatal("a second signature by one key counted")
	}
	if _, err := m.Sign(testKey(9)); !errors.Is(err, registry.ErrNotRootKey) {
		t.Fatalf("a stranger's key: %v, want ErrNotRootKey", err)
	}
	res, err := f.reg.SubmitMove(ctx, m, moveKeys)
	if err != nil {
		t.Fatal(err)
	}
	if res.Final.Seq != registry.FinalSeq || res.Final.Name != regName || res.New.Name != newName || res.New.Seq != 1 || res.RootVersion != 2 {
		t.Fatalf("result %+v", res)
	}
	if _, err := f.reg.SubmitMove(ctx, m, moveKeys); !errors.Is(err, registry.ErrExists) {
		t.Fatalf("a second move: %v, want ErrExists", err)
	}
	moved, err := registry.New(registry.Config{Blocks: f.blocks, Index: f.cache, Name: newName})
	if err != nil {
		t.Fatal(err)
	}
	_, nm, err := moved.Manifest(ctx)
	if err != nil || nm.Prev.Defined() || nm.Releases != 1 || nm.Registry != newName || !nm.Root.Equals(m.Moved.Root) {
		t.Fatalf("the new name's manifest: %+v %v", nm, err)
	}
	if got := f.resolveIn(t, moved, "tts@1.0.0"); !got.Defined() {
		t.Fatal("tts@1.0.0 is not in the new name's state")
	}

	err = refreshFrom(t, c, f, res.Final.Record)
	var me *registry.MovedError
	if !errors.As(err, &me) || !errors.Is(err, registry.ErrMoved) || me.From != regName || me.To != newName || me.RootVersion != 2 || !me.Root.Equals(m.Moved.Root) {
		t.Fatalf("refresh of the old name: %v, want a *MovedError to %s", err, newName)
	}
	tr, err := c.reg.VerifyMove(ctx, me, &manifest.Project{Registry: regName, Root: v1}, lock)
	if err != nil || !tr.Root.Equals(m.Moved.Root) || tr.Version != 2 {
		t.Fatalf("VerifyMove: %+v %v", tr, err)
	}
}

func (f *fixture) resolveIn(t testing.TB, r *registry.Registry, spec string) cid.Cid {
	t.Helper()
	sp, err := manifest.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.Resolve(context.Background(), sp)
	if err != nil {
		t.Fatalf("resolve %s: %v", spec, err)
	}
	return res.CID
}

// Case 9: the thief of the IPNS key signs a final record for a manifest
// with a swapped release, or for a Moved block of their own: the name is
// burnt, the client's head stays (ErrBurnt and why).
func TestMoveBurnt(t *testing.T) {
	f, _ := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	c, _ := lockedClient(t, f)

	// a swapped release; the manifest's seq cannot be the record's
	forged := f.forge(t, func(m *manifest.Manifest) {})
	rec, err := fakeVerifier{}.VerifyRecord(regName, forged.record)
	if err != nil {
		t.Fatal(err)
	}
	final, _ := registrytest.Signer{N: regName}.Sign(rec.Root, registry.FinalSeq)
	err = refreshFrom(t, c, f, final)
	if !errors.Is(err, registry.ErrBurnt) || !errors.Is(err, manifest.ErrInvalidManifest) {
		t.Fatalf("a forged manifest at the final seq: %v, want ErrBurnt, ErrInvalidManifest", err)
	}

	// a move to the thief's name, its Root v2 signed by the thief's key
	thief := testKey(7)
	tp := thief.Public().(ed25519.PublicKey)
	m := prepareMove(t, f)
	m.Root.Root.Keys = map[string]ed25519.PublicKey{trust.KeyID(tp): tp}
	m.Root.Root.Roles = map[string]trust.Role{
		trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(tp)}, Threshold: 1},
		trust.RolePublish: {KeyIDs: []string{trust.KeyID(tp)}, Threshold: 1},
	}
	if _, err := m.Sign(thief); err != nil {
		t.Fatal(err)
	}
	mvBlock := f.putMove(t, m)
	final, _ = registrytest.Signer{N: regName}.Sign(mvBlock, registry.FinalSeq)
	err = refreshFrom(t, c, f, final)
	if !errors.Is(err, registry.ErrBurnt) || !errors.Is(err, trust.ErrThreshold) || errors.Is(err, registry.ErrMoved) {
		t.Fatalf("the thief's move: %v, want ErrBurnt, ErrThreshold", err)
	}
}

// putMove stores m's Root and Moved blocks in f's store, as a hostile
// gateway would serve them, and returns the Moved block's CID.
func (f *fixture) putMove(t testing.TB, m *registry.Move) cid.Cid {
	t.Helper()
	f.putRoot(t, m.Root)
	return f.put(t)(trust.EncodeMoved(m.Moved))
}

// Case 9: a Moved whose Root does not descend from the Root the client
// trusts — the thief's own Root v1 of the name, then a move signed by
// it — is refused: ErrRootDiverged by a home that verified the Root
// before, and by VerifyMove against a lock's Root for a fresh home.
func TestMoveNotDescending(t *testing.T) {
	ctx := context.Background()
	f, v1 := newRootFixture(t)
	f.publish(t, "tts@1.0.0", "one")
	c, lock := lockedClient(t, f)

	thief := testKey(7)
	fake, fakeCID := newRoot(t, 1, cid.Undef, thief, thief, thief)
	f.putRoot(t, fake)
	next, err := registry.NextRoot(fake, fakeCID, registry.RootChange{Expires: trustClock.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	next.Registry = newName
	m := &registry.Move{Prev: fake, Root: &trust.SignedRoot{Root: *next}, Moved: &trust.Moved{From: regName, To: newName}}
	if _, err := m.Sign(thief); err != nil || m.MovedSigned() != 1 {
		t.Fatalf("sign: %v, %d", err, m.MovedSigned())
	}
	rec, _ := registrytest.Signer{N: regName}.Sign(f.putMove(t, m), registry.FinalSeq)

	if err := refreshFrom(t, c, f, rec); !errors.Is(err, registry.ErrRootDiverged) || !errors.Is(err, registry.ErrBurnt) {
		t.Fatalf("a home with the Root: %v, want ErrRootDiverged, ErrBurnt", err)
	}
	fresh := newTrustClient(t, &source{name: "gw", blocks: f.blocks, record: rec})
	_, err = fresh.fetcher.Refresh(ctx)
	var me *registry.MovedError
	if !errors.As(err, &me) {
		t.Fatalf("a fresh home: %v, want the move (trusted on first use)", err)
	}
	if _, err := fresh.reg.VerifyMove(ctx, me, &manifest.Project{Registry: regName}, lock); !errors.Is(err, registry.ErrRootDiverged) {
		t.Fatalf("against the lock's root: %v, want ErrRootDiverged", err)
	}
	if _, err := fresh.reg.VerifyMove(ctx, me, &manifest.Project{Registry: regName, Root: v1}, nil); !errors.Is(err, registry.ErrRootDiverged) {
		t.Fatalf("against the pinned root: %v, want ErrRootDiverged", err)
	}
}
