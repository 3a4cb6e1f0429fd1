package follow_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
)

// source is a registry.Source that is not a gateway, as the node's peer
// on the IPFS network is: it serves a publisher's record and blocks, and
// can be made to tamper with every block.
type source struct {
	p      *pub
	tamper bool
}

func (s *source) Record(ctx context.Context, name string) ([]byte, error) {
	if name != s.p.name.String() {
		return nil, registry.ErrRecordNotFound
	}
	h, err := s.p.reg.Head(ctx)
	return h.Record, err
}

func (s *source) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	data, err := s.p.blocks.Get(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", registry.ErrBlockNotFound, err)
	}
	if s.tamper {
		return append([]byte("x"), data...), nil
	}
	return data, nil
}

func (s *source) String() string { return "p2p" }

// TestFollowFromSourceAlone: a Follower with no gateway and one other
// source is online, syncs and resolves through it, fetches a release's
// content block by block (FetchDAG leaves it to the walk), and refuses a
// source whose blocks do not hash to their CIDs.
func TestFollowFromSourceAlone(t *testing.T) {
	p := newPub(t, time.Hour)
	content := p.publish(t, "say@1.0.0", "hello")
	h := newHome(t)
	f, err := follow.New(follow.Config{Name: p.name, Blocks: h.blocks, Index: h.index, Sources: []registry.Source{&source{p: p}}})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Online() {
		t.Fatal("a follower with a source is not online")
	}
	s, err := f.Sync(t.Context(), true)
	if err != nil || !s.Changed || s.Head.Seq != p.head(t).Seq {
		t.Fatalf("sync from the source: %+v, %v", s, err)
	}
	sp, _ := manifest.ParseSpec("say@^1")
	if r, err := f.Registry().Resolve(t.Context(), sp); err != nil || !r.CID.Equals(content) {
		t.Fatalf("resolve: %+v, %v", r, err)
	}
	l, err := follow.MakeLocal(t.Context(), h.blocks, content, follow.LocalOptions{From: f})
	if err != nil || !l.Fetched || l.Blocks != 1 {
		t.Fatalf("MakeLocal through the source: %+v, %v", l, err)
	}

	h2 := newHome(t)
	liar, err := follow.New(follow.Config{Name: p.name, Blocks: h2.blocks, Index: h2.index, Sources: []registry.Source{&source{p: p, tamper: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := liar.Sync(t.Context(), true); err == nil {
		t.Fatal("sync from a source that tampers with blocks succeeded")
	}
	if _, err := h2.index.Head(t.Context(), p.name.String()); err == nil {
		t.Fatal("a head was stored from tampered blocks")
	}
}
