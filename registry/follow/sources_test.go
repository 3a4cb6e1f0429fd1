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
// content block by block (FetchDAG leaves it to the walk); beside a
// gateway it is asked too; a source whose blocks do not hash to their
// CIDs is refused.
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

	// Beside a gateway (here a dead one), the source answers.
	h3 := newHome(t)
	both, err := follow.New(follow.Config{Name: p.name, Blocks: h3.blocks, Index: h3.index, Timeout: 2 * time.Second,
		Gateways: []string{"http://127.0.0.1:1"}, Sources: []registry.Source{&source{p: p}}})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := both.Sync(t.Context(), true); err != nil || !s.Changed || len(s.Problems) != 1 {
		t.Fatalf("sync from a dead gateway and the source: %+v, %v", s, err)
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
