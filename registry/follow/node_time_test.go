package follow_test

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// The tests in this file run on testing/synctest: inside a bubble,
// time.Now, timers and sleeps use a fake clock that jumps ahead whenever
// every goroutine of the bubble waits, so a node's hours of polling,
// re-signing and retrying take milliseconds. They talk to upstreams
// through memNet, with no sockets: a goroutine blocked on a real
// connection would keep the bubble's clock from moving.

// memNet is an HTTP network in memory: a request to http://HOST is
// served by the handler of HOST in the calling goroutine.
type memNet struct {
	mu    sync.Mutex
	hosts map[string]http.Handler
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// serve makes h answer at http://host and returns that URL.
func (n *memNet) serve(host string, h http.Handler) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hosts == nil {
		n.hosts = map[string]http.Handler{}
	}
	n.hosts[host] = h
	return "http://" + host
}

// down makes host refuse connections.
func (n *memNet) down(host string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.hosts, host)
}

func (n *memNet) client() *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.mu.Lock()
		h := n.hosts[r.URL.Host]
		n.mu.Unlock()
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		if h == nil {
			return nil, errors.New("dial tcp " + r.URL.Host + ": connection refused")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		resp := w.Result()
		resp.Request = r
		return resp, nil
	})}
}

// follower returns a Follower of p's registry for the home, asking the
// upstreams at urls through net.
func (h *home) memFollower(t testing.TB, p *pub, net *memNet, urls ...string) *follow.Follower {
	t.Helper()
	f, err := follow.New(follow.Config{Name: p.name, Blocks: h.blocks, Index: h.index, Gateways: urls, Timeout: 2 * time.Second, Client: net.client()})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ownPub is a publisher whose registry lives in a real index, with the
// Follower a node of its key holder keeps it alive through.
func ownPub(t *testing.T, lifetime, ttl time.Duration) (*pub, *ipns.Key, *follow.Follower) {
	t.Helper()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	blocks := registrytest.NewBlocks()
	index := bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil)
	p := &pub{blocks: blocks, signer: &ipns.Signer{Key: k, Lifetime: lifetime, TTL: ttl}}
	if p.name, err = ipns.ParseRegistryName(k.Name()); err != nil {
		t.Fatal(err)
	}
	if p.reg, err = registry.New(registry.Config{Blocks: blocks, Index: index, Signer: p.signer}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reg.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	f, err := follow.New(follow.Config{Name: p.name, Own: true, Blocks: blocks, Index: index, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	return p, k, f
}

// run runs n until the test ends (or stop is called) and waits for it.
func run(t *testing.T, n *follow.Node) (stop func()) {
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { n.Run(ctx) })
	stop = func() { cancel(); wg.Wait() }
	t.Cleanup(stop)
	return stop
}

// status returns n's only registry's status.
func status(t *testing.T, n *follow.Node) follow.Status {
	t.Helper()
	s := n.Statuses()
	if len(s) != 1 {
		t.Fatalf("%d statuses, want 1", len(s))
	}
	return s[0]
}

// TestNodeResignsAtHalfLife: the key holder's node re-signs its record
// for the same state each time half its lifetime is gone, so that a
// node following it through an upstream holds a live record lifetime
// after lifetime, and is healthy throughout. Once the key holder stops,
// the follower keeps the last record until its end of life, and not a
// second longer.
func TestNodeResignsAtHalfLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lifetime = 2 * time.Minute
		p, key, own := ownPub(t, lifetime, time.Second)
		p.publish(t, "say@1.0.0", "hello")
		first := p.head(t)
		var net memNet
		up := net.serve("upstream", newGWHandler(p))
		h := newHome(t)
		keeper := &follow.Node{Own: own, Key: key}
		stopKeeper := run(t, keeper)
		follower := &follow.Node{Follow: []*follow.Follower{h.memFollower(t, p, &net, up)}}
		run(t, follower)

		start := time.Now()
		eols := []time.Time{}
		for time.Since(start) < 3*lifetime {
			time.Sleep(time.Second)
			synctest.Wait()
			now := time.Now()
			eol := status(t, keeper).Expires
			if n := len(eols); n == 0 || !eol.Equal(eols[n-1]) {
				// re-signed: the index holds a live record for the same state
				head := p.head(t)
				rec, err := ipns.VerifyHead(head, now)
				if err != nil || head.Seq != first.Seq || !head.Root.Equals(first.Root) || !rec.Validity.Equal(eol) {
					t.Fatalf("the key holder's head %s after the start: seq %d, %v", now.Sub(start), head.Seq, err)
				}
				eols = append(eols, eol)
			}
			if left := eol.Sub(now); left < lifetime/2-time.Second {
				t.Fatalf("%s after the start: the record has %s left, not re-signed at half its lifetime", now.Sub(start), left)
			}
			st := status(t, follower)
			if st.Health != follow.HealthOK || st.Seq != first.Seq || st.Expires.Sub(now) < lifetime/2-time.Second-follow.MinPoll {
				t.Fatalf("the follower %s after the start: %+v", now.Sub(start), st)
			}
		}
		// One re-signing each half lifetime, each for the whole lifetime.
		if len(eols) != 6 && len(eols) != 7 {
			t.Fatalf("%d records in %s, want one each %s", len(eols), 3*lifetime, lifetime/2)
		}
		for i := 1; i < len(eols); i++ {
			if d := eols[i].Sub(eols[i-1]); d < lifetime/2 || d > lifetime/2+time.Second {
				t.Errorf("record %d ends %s after the one before, want %s", i, d, lifetime/2)
			}
		}

		// The key holder stops (its upstream still serves its last record):
		// the follower carries that record until its end of life,
		// inclusive, and then says it expired.
		stopKeeper()
		last, _ := ipns.VerifyHead(p.head(t), time.Time{})
		time.Sleep(time.Until(last.Validity))
		synctest.Wait()
		if st := status(t, follower); st.Health != follow.HealthOK || !st.Expires.Equal(last.Validity) {
			t.Fatalf("the follower at the end of life: %+v", st)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		st := status(t, follower)
		if st.Health != follow.HealthDegraded || st.Seq != first.Seq ||
			!strings.Contains(strings.Join(st.Reasons, "\n"), "the record expired at "+last.Validity.UTC().Format(time.RFC3339)) {
			t.Fatalf("the follower past the end of life: %+v", st)
		}
	})
}

// TestNodeAfterEndOfLife: past a followed record's end of life, with its
// upstream gone, a node keeps the last verified state and says so: it is
// degraded with the reason, and the metrics keep the head and its end of
// life; also right after a restart whose upstream only lies.
func TestNodeAfterEndOfLife(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lifetime = 15 * time.Minute
		p := newPub(t, time.Second)
		p.signer.Lifetime = lifetime
		p.publish(t, "tts@1.0.0", "one")
		head := p.head(t)
		rec, err := ipns.VerifyHead(head, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		eol := rec.Validity
		var net memNet
		up := net.serve("upstream", newGWHandler(p))
		h := newHome(t)
		node := func(urls ...string) (*follow.Node, *prometheus.Registry) {
			reg := prometheus.NewRegistry()
			m, err := follow.NewMetrics(reg)
			if err != nil {
				t.Fatal(err)
			}
			return &follow.Node{Follow: []*follow.Follower{h.memFollower(t, p, &net, urls...)}, Metrics: m}, reg
		}
		n, reg := node(up)
		stop := run(t, n)
		synctest.Wait()
		if st := status(t, n); st.Health != follow.HealthOK || st.Mirrored != head.Seq || len(st.Reasons) != 0 {
			t.Fatalf("before the end of life: %+v", st)
		}
		if ok, _ := h.blocks.Has(t.Context(), rawCid(t, "one")); !ok {
			t.Fatal("the release was not mirrored")
		}

		expired := func(what string, n *follow.Node, reg *prometheus.Registry) {
			t.Helper()
			if hl := n.Health(); hl.Status != follow.HealthDegraded {
				t.Errorf("health %s: %+v", what, hl)
			}
			st := status(t, n)
			if st.Health != follow.HealthDegraded || st.Seq != head.Seq ||
				!strings.Contains(strings.Join(st.Reasons, "\n"), "the record expired at "+eol.UTC().Format(time.RFC3339)) {
				t.Errorf("status %s: %+v", what, st)
			}
			if v := gauge(t, reg, "svcreg_head_seq", p.name.String()); v != float64(head.Seq) {
				t.Errorf("svcreg_head_seq %s: %v, want %d", what, v, head.Seq)
			}
			if v := gauge(t, reg, "svcreg_record_expiry_seconds", p.name.String()); v != float64(eol.Unix()) {
				t.Errorf("svcreg_record_expiry_seconds %s: %v, want %d", what, v, eol.Unix())
			}
			if got, err := h.index.Head(t.Context(), p.name.String()); err != nil || got.Seq != head.Seq {
				t.Errorf("stored head %s: seq %d, %v", what, got.Seq, err)
			}
		}
		net.down("upstream")
		time.Sleep(time.Until(eol.Add(time.Second)))
		synctest.Wait()
		expired("past the end of life", n, reg)

		stop()
		liar := net.serve("liar", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			w.Write(forged(t))
		}))
		n, reg = node(liar)
		n.Restore(t.Context()) // as svcreg serve does before it serves /healthz
		expired("right after a restart", n, reg)
		run(t, n)
		time.Sleep(time.Minute)
		synctest.Wait()
		expired("a minute after a restart", n, reg)
	})
}

// TestNodePollsAtTTL: a node asks a followed registry's upstreams for its
// record once per the record's TTL, but not more often than MinPoll and
// not less often than MaxPoll.
func TestNodePollsAtTTL(t *testing.T) {
	for _, tc := range []struct {
		ttl, want time.Duration
	}{
		{time.Second, follow.MinPoll},
		{30 * time.Second, 30 * time.Second},
		{2 * time.Hour, follow.MaxPoll},
	} {
		t.Run(tc.ttl.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p := newPub(t, tc.ttl)
				p.signer.Lifetime = 24 * time.Hour
				p.publish(t, "say@1.0.0", "hello")
				g := newGWHandler(p)
				var mu sync.Mutex
				var asked []time.Time
				var net memNet
				up := net.serve("upstream", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.Path, "/ipns/") || strings.HasPrefix(r.URL.Path, "/routing/v1/ipns/") {
						mu.Lock()
						if n := len(asked); n == 0 || !asked[n-1].Equal(time.Now()) {
							asked = append(asked, time.Now())
						}
						mu.Unlock()
					}
					g.ServeHTTP(w, r)
				}))
				h := newHome(t)
				n := &follow.Node{Follow: []*follow.Follower{h.memFollower(t, p, &net, up)}}
				stop := run(t, n)
				time.Sleep(4*tc.want + tc.want/2)
				stop()
				mu.Lock()
				defer mu.Unlock()
				if len(asked) != 5 {
					t.Fatalf("%d polls in %s, want 5: %v", len(asked), 4*tc.want+tc.want/2, asked)
				}
				for i := 1; i < len(asked); i++ {
					if d := asked[i].Sub(asked[i-1]); d != tc.want {
						t.Errorf("poll %d came %s after the one before, want %s", i, d, tc.want)
					}
				}
			})
		})
	}
}

// TestNodeMirrorRetryBackoff: a release whose content the upstream lacks
// is tried again after MinMirrorRetry, then after twice as long each time
// up to MaxMirrorRetry, and not at the polls in between, while the node
// keeps the rest and reports it; once the content is there, the next
// retry mirrors it and the node is healthy.
func TestNodeMirrorRetryBackoff(t *testing.T) {
	for _, tc := range []struct {
		ttl   time.Duration // polls every max(ttl, MinPoll)
		tries int
	}{
		{time.Second, 5}, // many polls between two tries
		{time.Hour, 10},  // up to MaxMirrorRetry
	} {
		t.Run(tc.ttl.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { testMirrorRetryBackoff(t, tc.ttl, tc.tries) })
		})
	}
}

func testMirrorRetryBackoff(t *testing.T, ttl time.Duration, tries int) {
	p := newPub(t, ttl)
	p.signer.Lifetime = 48 * time.Hour
	p.publish(t, "say@1.0.0", "kept")
	web := p.publish(t, "web@1.0.0", "withheld")
	g := newGWHandler(p)
	var withhold atomic.Bool
	withhold.Store(true)
	var mu sync.Mutex
	var tried []time.Time
	polls := map[time.Time]bool{}
	var net memNet
	up := net.serve("upstream", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if strings.HasPrefix(r.URL.Path, "/ipns/") {
			polls[time.Now()] = true
		}
		web := strings.HasPrefix(r.URL.Path, "/ipfs/"+web.String())
		if n := len(tried); web && (n == 0 || !tried[n-1].Equal(time.Now())) {
			tried = append(tried, time.Now())
		}
		mu.Unlock()
		if web && withhold.Load() {
			http.NotFound(w, r)
			return
		}
		g.ServeHTTP(w, r)
	}))
	h := newHome(t)
	n := &follow.Node{Follow: []*follow.Follower{h.memFollower(t, p, &net, up)}, Mirror: follow.MirrorLatest}
	run(t, n)

	start := time.Now()
	want := []time.Duration{0}
	for d := follow.MinMirrorRetry; len(want) < tries; d = min(2*d, follow.MaxMirrorRetry) {
		want = append(want, want[len(want)-1]+d)
	}
	last := want[len(want)-1]
	time.Sleep(last - time.Second)
	synctest.Wait()
	st := status(t, n)
	if st.Health != follow.HealthDegraded || len(st.UnmirroredReleases) != 1 {
		t.Fatalf("status while withheld: %+v", st)
	}
	if u := st.UnmirroredReleases[0]; u.Release != "web@1.0.0" || u.Attempts != len(want)-1 ||
		!u.Since.Equal(start) || !u.RetryAt.Equal(start.Add(last)) {
		t.Errorf("unmirrored: %+v", u)
	}
	if ok, _ := h.blocks.Has(t.Context(), rawCid(t, "kept")); !ok {
		t.Error("the other release was not mirrored")
	}
	withhold.Store(false)
	time.Sleep(2 * time.Second)
	synctest.Wait()
	mu.Lock()
	got := make([]time.Duration, len(tried))
	for i, at := range tried {
		got[i] = at.Sub(start)
	}
	between := 0 // polls between the first two tries
	for at := range polls {
		if at.After(start) && at.Before(start.Add(want[1])) {
			between++
		}
	}
	mu.Unlock()
	if !slices.Equal(got, want) {
		t.Fatalf("tries at %v, want %v", got, want)
	}
	if wantPolls := int(min(want[1]-1, follow.MaxPoll) / max(ttl, follow.MinPoll)); between != wantPolls {
		t.Errorf("%d polls between the first two tries, want %d", between, wantPolls)
	}
	if st := status(t, n); st.Health != follow.HealthOK || st.Unmirrored != 0 {
		t.Fatalf("status once the content is there: %+v", st)
	}
	if ok, _ := h.blocks.Has(t.Context(), web); !ok {
		t.Error("the release was not mirrored once the upstream had it")
	}
}

// newGWHandler returns the handler of a gateway serving p's registry.
func newGWHandler(p *pub) http.Handler {
	g := &gw{p: p}
	return http.HandlerFunc(g.serve)
}

// forged returns a record for another key.
func forged(t *testing.T) []byte {
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ipns.NewSigner(k).Sign(rawCid(t, "lie"), 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// gauge returns the value of the gauge name for registry in reg.
func gauge(t *testing.T, reg *prometheus.Registry, name, registry string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "registry" && l.GetValue() == registry {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	t.Fatalf("no %s for %s", name, registry)
	return 0
}
