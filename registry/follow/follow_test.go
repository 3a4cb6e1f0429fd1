package follow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestSyncFreshness: a sync asks the upstreams once per TTL, the time of
// the last valid answer is kept in the index (a new Follower on the same
// home shares it), and refresh asks anyway.
func TestSyncFreshness(t *testing.T) {
	p := newPub(t, time.Hour)
	p.publish(t, "say@1.0.0", "hello")
	g := newGW(t, p)
	h := newHome(t)

	s, err := h.follower(t, p, false, g.URL).Sync(t.Context(), false)
	if err != nil || !s.Asked || !s.Changed || s.Head.Seq != p.head(t).Seq {
		t.Fatalf("first sync: %+v, %v", s, err)
	}
	hits := g.hits.Load()
	s, err = h.follower(t, p, false, g.URL).Sync(t.Context(), false)
	if err != nil || s.Asked || g.hits.Load() != hits {
		t.Fatalf("sync within the TTL asked the gateway: %+v, %v (%d requests)", s, err, g.hits.Load()-hits)
	}
	p.publish(t, "say@1.1.0", "hello again")
	s, err = h.follower(t, p, false, g.URL).Sync(t.Context(), true)
	if err != nil || !s.Asked || !s.Changed || s.Head.Seq != p.head(t).Seq {
		t.Fatalf("refresh: %+v, %v", s, err)
	}
	sp, _ := manifest.ParseSpec("say@^1")
	r, err := h.follower(t, p, false, g.URL).Registry().Resolve(t.Context(), sp)
	if err != nil || r.Version.String() != "1.1.0" {
		t.Fatalf("resolve after the sync: %+v, %v", r, err)
	}
}

// TestSyncStale: with a stored head, a dead upstream or (for one's own
// registry) one behind this home gives the stored copy and says why.
func TestSyncStale(t *testing.T) {
	p := newPub(t, time.Nanosecond) // never fresh
	p.publish(t, "say@1.0.0", "hello")
	g := newGW(t, p)
	h := newHome(t)
	if _, err := h.follower(t, p, false, g.URL).Sync(t.Context(), false); err != nil {
		t.Fatal(err)
	}
	old := p.head(t).Record
	p.publish(t, "say@1.1.0", "hello again")
	if _, err := h.follower(t, p, true, g.URL).Sync(t.Context(), false); err != nil {
		t.Fatal(err)
	}

	g.record.Store(&old) // the gateway lags one change behind
	s, err := h.follower(t, p, true, g.URL).Sync(t.Context(), false)
	if err != nil || !errors.Is(s.Stale, registry.ErrRollback) || s.Head.Seq != p.head(t).Seq {
		t.Fatalf("own registry, gateway behind: %+v, %v", s, err)
	}
	if _, err := h.follower(t, p, false, g.URL).Sync(t.Context(), false); !errors.Is(err, registry.ErrRollback) {
		t.Fatalf("followed registry, gateway behind: %v, want ErrRollback", err)
	}

	g.Close()
	s, err = h.follower(t, p, false, g.URL).Sync(t.Context(), false)
	if err != nil || !errors.Is(s.Stale, registry.ErrUnavailable) || s.Head.Seq != p.head(t).Seq {
		t.Fatalf("dead gateway: %+v, %v", s, err)
	}
	if _, err := newHome(t).follower(t, p, false, g.URL).Sync(t.Context(), false); !errors.Is(err, registry.ErrUnavailable) {
		t.Fatalf("dead gateway, nothing stored: %v", err)
	}
	if _, err := newHome(t).follower(t, p, false).Sync(t.Context(), false); !errors.Is(err, registry.ErrNoHead) {
		t.Fatalf("no gateway, nothing stored: %v", err)
	}
}

// TestFetchDAG fetches a release's content as a CAR.
func TestFetchDAG(t *testing.T) {
	p := newPub(t, time.Hour)
	c := p.publish(t, "say@1.0.0", "hello")
	h := newHome(t)
	f := h.follower(t, p, false, "http://127.0.0.1:1", newGW(t, p).URL) // the first is dead
	problems, err := f.FetchDAG(t.Context(), c, nil)
	if err != nil || len(problems) != 1 {
		t.Fatalf("FetchDAG: %v, problems %v", err, problems)
	}
	if ok, _ := h.blocks.Has(t.Context(), c); !ok {
		t.Fatal("content not stored")
	}
}
