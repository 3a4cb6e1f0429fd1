package follow_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/svcreg/svcreg/registry/follow"
)

// TestNodeMirrorLatestSkips: with --mirror latest, a latest release whose
// content the upstream lacks is reported and skipped; the other services'
// latest releases are kept, and the node says it is degraded, and why.
func TestNodeMirrorLatestSkips(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newPub(t, time.Hour)
		p.publish(t, "say@1.0.0", "old")
		web := p.publish(t, "web@1.0.0", "withheld")
		say := p.publish(t, "say@1.1.0", "new")
		g := newGWHandler(p)
		var net memNet
		up := net.serve("upstream", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, "/ipfs/"+web.String()) {
				http.NotFound(w, r)
				return
			}
			g.ServeHTTP(w, r)
		}))
		h := newHome(t)
		n := &follow.Node{Follow: []*follow.Follower{h.memFollower(t, p, &net, up)}, Mirror: follow.MirrorLatest}
		run(t, n)

		synctest.Wait() // the first mirroring pass is done; the node waits for the next poll
		seq := p.head(t).Seq
		st := status(t, n)
		if st.Mirrored != seq || st.Health != follow.HealthDegraded || st.Unmirrored != 1 || len(st.UnmirroredReleases) != 1 ||
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
	})
}
