package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
)

// withholding is an upstream that serves good's record and blocks but
// not one release's content: its blocks are 404 and every CAR stops
// short of them, as a gateway whose CAR depth limit cuts a deep tree.
type withholding struct {
	*httptest.Server
	records atomic.Int64 // record requests: the follower's polls
	asked   atomic.Int64 // requests for the withheld content's root
}

func newWithholding(t *testing.T, good *testGateway, root cid.Cid) *withholding {
	t.Helper()
	bad, err := car.Reachable(context.Background(), good.blocks, root, func(cid.Cid) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	h := &withholding{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/ipns/") {
			h.records.Add(1)
		}
		c, err := cid.Decode(strings.TrimPrefix(r.URL.Path, "/ipfs/"))
		if err != nil || !strings.HasPrefix(r.URL.Path, "/ipfs/") {
			good.serve(w, r)
			return
		}
		if c.Equals(root) {
			h.asked.Add(1)
		}
		switch {
		case r.URL.Query().Get("format") == "car":
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1; order=dfs; dups=n")
			cw, _ := car.NewWriter(w, []cid.Cid{c}, good.blocks)
			cw.DAG(r.Context(), c, func(k cid.Cid) bool { return bad[k] })
			cw.Close()
		case bad[c]:
			http.NotFound(w, r)
		default:
			good.serve(w, r)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

// healthz is GET /healthz as a probe reads it.
type healthz struct {
	Status     string `json:"status"`
	Registries []struct {
		Registry   string   `json:"registry"`
		Status     string   `json:"status"`
		Reasons    []string `json:"reasons"`
		Seq        uint64   `json:"seq"`
		Mirrored   uint64   `json:"mirrored_seq"`
		Unmirrored int      `json:"unmirrored"`
		Releases   []struct {
			Release  string    `json:"release"`
			CID      string    `json:"cid"`
			Error    string    `json:"error"`
			Attempts int       `json:"attempts"`
			Since    time.Time `json:"since"`
			RetryAt  time.Time `json:"retry_at"`
		} `json:"unmirrored_releases"`
	} `json:"registries"`
}

// getHealth returns /healthz of a node that keeps one registry.
func getHealth(t *testing.T, s *server) healthz {
	t.Helper()
	h, ok := tryHealth(t, s)
	if !ok {
		t.Fatalf("/healthz: %d registries, want 1: %+v", len(h.Registries), h)
	}
	return h
}

// tryHealth is getHealth for waitFor: ok is false until the registry is listed.
func tryHealth(t *testing.T, s *server) (h healthz, ok bool) {
	t.Helper()
	getJSON(t, s.URL()+"/healthz", &h)
	return h, len(h.Registries) == 1
}

// metricValue returns the value of metric{registry="name"} in /metrics,
// failing the test when the series is absent.
func metricValue(t *testing.T, s *server, metric, name string) float64 {
	t.Helper()
	_, _, body := fetch(t, s.URL()+"/metrics", "")
	m := regexp.MustCompile(`(?m)^` + metric + `\{registry="` + name + `"\} (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("/metrics has no %s for %s:\n%s", metric, name, body)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMirrorSkipsBadRelease: an upstream that cannot deliver one
// release's content does not stall a mirror. It mirrors the registry and
// every other release, reports the one that failed in /healthz (degraded)
// and /metrics, and does not ask for it again at every poll.
func TestMirrorSkipsBadRelease(t *testing.T) {
	pub, name := publisher(t) // tts 1.0.0 "one", web 2.0.0 "web", tts 1.0.1 "two"
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("three"), 0o644)
	must(t, pub, "publish", "tts@1.1.0", dir, "--ttl", "1s") // polled every 5 s
	web, err := cid.Decode(must(t, pub, "resolve", "web@2.0.0"))
	if err != nil {
		t.Fatal(err)
	}
	head := headOf(t, pub, name)
	up := newWithholding(t, newGateway(t, pub), web)
	m := startServer(t, filepath.Join(t.TempDir(), "m"), "--follow", name, "--upstream", up.URL)

	waitFor(t, 30*time.Second, "the mirror reports the release it could not fetch", func() bool {
		h, ok := tryHealth(t, m)
		return ok && h.Registries[0].Mirrored == head.Seq && h.Registries[0].Unmirrored > 0
	})
	h := getHealth(t, m)
	r := h.Registries[0]
	if h.Status != "degraded" || r.Status != "degraded" || r.Seq != head.Seq || r.Unmirrored != 1 || len(r.Releases) != 1 {
		t.Fatalf("/healthz: %+v", h)
	}
	if !strings.Contains(strings.Join(r.Reasons, "\n"), "1 release not mirrored") {
		t.Errorf("reasons: %q", r.Reasons)
	}
	u := r.Releases[0]
	if u.Release != "web@2.0.0" || u.CID != web.String() || u.Error == "" || u.Attempts != 1 || u.RetryAt.Sub(u.Since) < 25*time.Second {
		t.Errorf("unmirrored release: %+v", u)
	}
	if v := metricValue(t, m, "svcreg_unmirrored_releases", name); v != 1 {
		t.Errorf("svcreg_unmirrored_releases = %v, want 1", v)
	}
	if v := metricValue(t, m, "svcreg_mirror_errors_total", name); v < 1 {
		t.Errorf("svcreg_mirror_errors_total = %v", v)
	}

	// That the failed release is not asked for again at the polls before
	// its retry (30 s on, then twice as long each time) is proved on a
	// fake clock: registry/follow's TestNodeMirrorRetryBackoff.

	// Everything else is on the mirror's disk: it serves it without the upstream.
	up.Close()
	for spec, want := range map[string]string{"tts@1.0.0": "one", "tts@1.0.1": "two", "tts@1.1.0": "three"} {
		if code, _, body := fetch(t, m.URL()+"/svc/"+spec+"/index.html", ""); code != 200 || body != want {
			t.Errorf("/svc/%s/ without the upstream: %d %q, want %q", spec, code, body, want)
		}
	}
	if code, _, _ := fetch(t, m.URL()+"/svc/web@2.0.0/index.html", ""); code == 200 {
		t.Error("the withheld release was served")
	}
}

// TestMirrorAfterEndOfLife: past a followed record's end of life a
// mirror stops serving the record but serves the last verified state,
// and says so: /healthz is degraded with the reason and the metrics keep
// the head and its end of life, also right after a restart whose
// upstream only lies.
//
// The record lives a second: the mirror must have it, and report it ok,
// before its end. When a loaded machine makes the mirror miss that, the
// registry publishes again with twice the lifetime and the mirror starts
// again, so the test waits about as long as a mirror takes to start.
func TestMirrorAfterEndOfLife(t *testing.T) {
	dir := t.TempDir()
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	os.MkdirAll(filepath.Join(dir, "a"), 0o755)
	os.WriteFile(filepath.Join(dir, "a", "index.html"), []byte("one"), 0o644)
	up := newGateway(t, pub)
	var (
		m    *server
		head registry.Head
		eol  time.Time
	)
	for i, lifetime := 0, time.Second; ; i, lifetime = i+1, 2*lifetime {
		must(t, pub, "publish", fmt.Sprintf("tts@1.0.%d", i), filepath.Join(dir, "a"), "--lifetime", lifetime.String(), "--ttl", "1s")
		head = headOf(t, pub, name)
		rec, err := ipns.Verify(name, head.Record, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		eol = rec.Validity
		up.snapshot(t, pub)
		if m == nil {
			m = startServer(t, filepath.Join(dir, "m"), "--follow", name, "--upstream", up.URL)
		} else {
			m.stop(syscall.SIGTERM)
			m.start()
		}
		if okBefore(t, m, head.Seq, eol) {
			break
		}
		if lifetime >= 16*time.Second {
			t.Fatalf("the mirror did not report seq %d ok within its record's %s lifetime", head.Seq, lifetime)
		}
		t.Logf("the mirror missed a record of %s; publishing one of %s", lifetime, 2*lifetime)
	}

	expired := func(what string) {
		t.Helper()
		h := getHealth(t, m)
		r := h.Registries[0]
		if h.Status != "degraded" || r.Status != "degraded" || r.Seq != head.Seq ||
			!strings.Contains(strings.Join(r.Reasons, "\n"), "the record expired at "+eol.UTC().Format(time.RFC3339)) {
			t.Errorf("/healthz %s: %+v", what, h)
		}
		if v := metricValue(t, m, "svcreg_head_seq", name); v != float64(head.Seq) {
			t.Errorf("svcreg_head_seq %s: %v, want %d", what, v, head.Seq)
		}
		if v := metricValue(t, m, "svcreg_record_expiry_seconds", name); v != float64(eol.Unix()) {
			t.Errorf("svcreg_record_expiry_seconds %s: %v, want %d", what, v, eol.Unix())
		}
		if code, _, body := fetch(t, m.URL()+"/svc/tts@1.0.0/index.html", ""); code != 200 || body != "one" {
			t.Errorf("/svc/ %s: %d %q", what, code, body)
		}
		if rec := recordAt(m.URL(), name); rec != nil {
			t.Errorf("the record is served %s", what)
		}
	}
	// Until the record has expired: no longer served, and /healthz says so.
	waitFor(t, time.Until(eol)+10*time.Second, "the mirror stops serving the record", func() bool {
		h, ok := tryHealth(t, m)
		return time.Now().After(eol) && recordAt(m.URL(), name) == nil && ok && h.Status == "degraded"
	})
	expired("past the end of life")

	m.stop(syscall.SIGTERM)
	m.args = []string{"--follow", name, "--upstream", liar(t).URL}
	m.start()
	expired("right after a restart")
}

// okBefore reports whether the mirror m reports seq mirrored and healthy
// before the end of life eol, asking every 25 ms.
func okBefore(t *testing.T, m *server, seq uint64, eol time.Time) bool {
	t.Helper()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for ; time.Now().Before(eol); <-tick.C {
		h, ok := tryHealth(t, m)
		if ok && h.Registries[0].Mirrored == seq && h.Status == "ok" && len(h.Registries[0].Reasons) == 0 && time.Now().Before(eol) {
			return true
		}
	}
	return false
}
