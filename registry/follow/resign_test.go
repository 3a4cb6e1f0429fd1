package follow_test

import (
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// TestResign: a record is re-signed for the same seq and root once half
// its lifetime is gone, with the lifetime and TTL it was published with;
// a follower takes the re-signed record as fresher, and keeps its head.
func TestResign(t *testing.T) {
	ctx := t.Context()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Truncate(time.Second)
	clock := t0
	now := func() time.Time { return clock }
	blocks := registrytest.NewBlocks()
	index := bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil)
	signer := &ipns.Signer{Key: k, Lifetime: time.Hour, TTL: 7 * time.Second, Now: now}
	reg, err := registry.New(registry.Config{Blocks: blocks, Index: index, Signer: signer, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	p := &pub{reg: reg, blocks: blocks, signer: signer}
	if p.name, err = ipns.ParseRegistryName(k.Name()); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	p.publish(t, "say@1.0.0", "hello")
	first := p.head(t)
	f, err := follow.New(follow.Config{Name: p.name, Own: true, Blocks: blocks, Index: index, Now: now})
	if err != nil {
		t.Fatal(err)
	}

	// a follower has seen the first record
	g := newGW(t, p)
	fh := newHome(t)
	if _, err := fh.follower(t, p, false, g.URL).Sync(ctx, true); err != nil {
		t.Fatal(err)
	}

	clock = t0.Add(20 * time.Minute)
	r, err := f.Resign(ctx, k, false)
	if err != nil || r.Resigned || r.Lifetime != time.Hour || r.TTL != 7*time.Second || !r.Due.Equal(t0.Add(30*time.Minute)) {
		t.Fatalf("not due yet: %+v, %v", r, err)
	}
	clock = t0.Add(31 * time.Minute)
	r, err = f.Resign(ctx, k, false)
	if err != nil || !r.Resigned || !r.EOL.Equal(clock.Add(time.Hour)) {
		t.Fatalf("due: %+v, %v", r, err)
	}
	h := p.head(t)
	if h.Seq != first.Seq || !h.Root.Equals(first.Root) || string(h.Record) == string(first.Record) {
		t.Fatalf("head after re-signing: seq %d root %s", h.Seq, h.Root)
	}
	if rec, err := ipns.VerifyHead(h, clock); err != nil || rec.TTL != 7*time.Second {
		t.Fatalf("re-signed record: %+v, %v", rec, err)
	}
	if log, err := reg.Log(ctx, 10); err != nil || len(log) != int(first.Seq) {
		t.Fatalf("log after re-signing: %d entries, %v", len(log), err)
	}
	clock = t0.Add(50 * time.Minute) // the lifetime stays an hour, not EOL minus the manifest time
	if r, err = f.Resign(ctx, k, false); err != nil || r.Resigned || r.Lifetime != time.Hour {
		t.Fatalf("after re-signing: %+v, %v", r, err)
	}

	// the follower takes the later end of life as fresher
	s, err := fh.follower(t, p, false, g.URL).Sync(ctx, true)
	if err != nil || s.Changed {
		t.Fatalf("sync: %+v, %v", s, err)
	}
	got, _ := fh.index.Head(ctx, p.name.String())
	if string(got.Record) != string(h.Record) {
		t.Fatal("the follower kept the older record")
	}
	// and refuses the older one again, quietly
	old := first.Record
	g.record.Store(&old)
	if _, err := fh.follower(t, p, false, g.URL).Sync(ctx, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := fh.index.Head(ctx, p.name.String()); string(got.Record) != string(h.Record) {
		t.Fatal("the follower went back to the older record")
	}

	other, _ := ipns.GenerateKey(rand.Reader)
	if _, err := f.Resign(ctx, other, true); !errors.Is(err, follow.ErrNotKeyHolder) {
		t.Fatalf("another key: %v", err)
	}
}
