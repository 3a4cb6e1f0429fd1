package follow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry/follow"
)

// eventually waits for cond, checking it every 50 ms, for up to d.
func eventually(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %s", what, d)
		}
	}
}

// TestNodeMirrorLatestSkips: with --mirror latest, a latest release whose
// content the upstream lacks is reported and skipped; the other services'
// latest releases are kept, and the node says it is degraded, and why.
func TestNodeMirrorLatestSkips(t *testing.T) {
	p := newPub(t, time.Hour)
	p.publish(t, "say@1.0.0", "old")
	web := p.publish(t, "web@1.0.0", "withheld")
	say := p.publish(t, "say@1.1.0", "new")
	g := newGW(t, p)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ipfs/"+web.String()) {
			http.NotFound(w, r)
			return
		}
		g.serve(w, r)
	}))
	t.Cleanup(up.Close)
	h := newHome(t)
	n := &follow.Node{Follow: []*follow.Follower{h.follower(t, p, false, up.URL)}, Mirror: follow.MirrorLatest}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { n.Run(ctx) })
	defer wg.Wait()
	defer cancel()

	seq := p.head(t).Seq
	var st follow.Status
	eventually(t, 10*time.Second, "a mirroring pass", func() bool {
		s := n.Statuses()
		if len(s) == 1 {
			st = s[0]
		}
		return st.Mirrored == seq
	})
	if st.Health != follow.HealthDegraded || st.Unmirrored != 1 || len(st.UnmirroredReleases) != 1 ||
		!strings.Contains(strings.Join(st.Reasons, "\n"), "1 release not mirrored") {
		t.Fatalf("status: %+v", st)
	}
	if u := st.UnmirroredReleases[0]; u.Release != "web@1.0.0" || !u.Content.Equals(web) || u.Attempts != 1 ||
		u.RetryAt.Sub(u.Since) < follow.MinMirrorRetry {
		t.Errorf("unmirrored: %+v", u)
	}
	if hl := n.Health(); hl.Status != follow.HealthDegraded {
		t.Errorf("health: %+v", hl)
	}
	if ok, _ := h.blocks.Has(t.Context(), say); !ok {
		t.Error("say's latest release was not mirrored")
	}
	if ok, _ := h.blocks.Has(t.Context(), rawCid(t, "old")); ok {
		t.Error("--mirror latest kept an older release")
	}
}
