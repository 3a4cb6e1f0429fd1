package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/internal/kubotest"
	"github.com/svcreg/svcreg/registry/ipns"
)

// server is a `svcreg serve` process on a fixed loopback address, so that
// it can be killed and started again where its followers expect it.
type server struct {
	t      *testing.T
	home   string
	addr   string
	args   []string
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func (s *server) URL() string { return "http://" + s.addr }

func startServer(t *testing.T, home string, args ...string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &server{t: t, home: home, addr: addr, args: args}
	s.start()
	t.Cleanup(func() { s.stop(syscall.SIGTERM) })
	return s
}

func (s *server) start() {
	s.t.Helper()
	s.cmd = svcregCmd(s.t, s.home, append([]string{"serve", "--listen", s.addr, "--log", "json"}, s.args...)...)
	s.stderr = &bytes.Buffer{}
	s.cmd.Stderr = s.stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	up := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if listening.MatchString(sc.Text()) {
				up <- true
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case <-up:
	case <-time.After(30 * time.Second):
		s.t.Fatalf("svcreg serve did not start\n%s", s.stderr)
	}
}

// stop ends the server with sig; SIGTERM must give a clean exit.
func (s *server) stop(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(sig)
	err := s.cmd.Wait()
	if sig == syscall.SIGTERM && err != nil {
		s.t.Errorf("svcreg serve did not stop cleanly: %v\n%s", err, s.stderr)
	}
	s.cmd = nil
}

// health returns the server's view of registry name.
func (s *server) health(name string) (seq, mirrored uint64, expires time.Time) {
	resp, err := http.Get(s.URL() + "/healthz")
	if err != nil {
		return 0, 0, time.Time{}
	}
	defer resp.Body.Close()
	var h struct {
		Registries []struct {
			Registry string
			Seq      uint64
			Mirrored uint64 `json:"mirrored_seq"`
			Expires  time.Time
		}
	}
	json.NewDecoder(resp.Body).Decode(&h)
	for _, r := range h.Registries {
		if r.Registry == name {
			return r.Seq, r.Mirrored, r.Expires
		}
	}
	return 0, 0, time.Time{}
}

// waitFor polls cond every 25 ms for up to d: the time a process takes
// to get there, never a fixed wait.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(d); !cond(); <-tick.C {
		if time.Now().After(end) {
			t.Fatalf("%s: not within %s", what, d)
		}
	}
}

// liar answers every request fast and wrongly: a record signed by another
// key, blocks and CARs of garbage.
func liar(t *testing.T) *httptest.Server {
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := ipns.NewSigner(k).Sign(rawCidOf("lie"), 1<<40)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Query().Get("format") == "ipns-record" || strings.HasPrefix(r.URL.Path, "/routing/v1/ipns/"):
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			w.Write(forged)
		case r.URL.Query().Get("format") == "car":
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1")
			w.Write(bytes.Repeat([]byte{0x11}, 4096))
		default:
			w.Header().Set("Content-Type", "application/vnd.ipld.raw")
			w.Write([]byte("not the block you asked for"))
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// TestNodeAvailability: a publisher node, mirror A following it, mirror B
// following only A (and a liar), a kubo replica. The publisher re-signs
// its record (svcreg republish --force: one round of what the serving
// node does at half the lifetime) and the re-signed record reaches B
// through A; the registry stays resolvable, lockable, installable and
// browsable through B after the publisher is gone; A survives kill -9,
// B a restart.
//
// What time does to these records is proved on a fake clock in
// registry/follow (TestNodeResignsAtHalfLife: a node re-signs at half
// the lifetime, and a follower of it stays live lifetime after lifetime,
// and carries the last record until its end of life and not after) and
// registry/gateway (TestRecordLiveUntilEndOfLife: a record is served up
// to its end of life, not a second later); TestMirrorAfterEndOfLife
// watches one real end of life go by in a process. Here no step waits
// for the clock.
func TestNodeAvailability(t *testing.T) {
	const lifetime = 24 * time.Second
	// converge bounds each wait below; on a quiet machine every one ends
	// in seconds, the bound only keeps a loaded machine from failing.
	const converge = time.Minute
	node := kubotest.Start(t)
	dir := t.TempDir()
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	say := filepath.Join("..", "..", "examples", "say")
	must(t, pub, "publish", "say@1.0.0", say, "--lifetime", lifetime.String(), "--ttl", "1s")
	site := filepath.Join(dir, "site")
	copyDir(t, say, site)
	os.WriteFile(filepath.Join(site, "extra.txt"), []byte("1.1.0"), 0o644)
	must(t, pub, "publish", "say@1.1.0", site, "--lifetime", lifetime.String(), "--ttl", "1s")
	published := time.Now()
	var head struct {
		Seq  uint64
		Root string
	}
	mustJSON(t, &head, pub, "name", "--json")
	must(t, pub, "replica", "add", "kubo", "--kubo", node.API, "--pin")
	latest := must(t, pub, "resolve", "say")

	p := startServer(t, pub)
	a := startServer(t, filepath.Join(dir, "a"), "--follow", name, "--upstream", p.URL())
	b := startServer(t, filepath.Join(dir, "b"), "--follow", name, "--upstream", liar(t).URL, "--upstream", a.URL())
	synced := func(s *server) func() bool {
		return func() bool { seq, m, _ := s.health(name); return seq == head.Seq && m == head.Seq }
	}
	waitFor(t, converge, "mirror A converges", synced(a))
	waitFor(t, converge, "mirror B converges", synced(b))
	t.Logf("mirrors converged %s after publishing", time.Since(published).Round(time.Millisecond))

	// The publisher re-signs (same state, a later end of life), and the
	// new record reaches B through A. A follower takes a new record on
	// its first sync, then at its polls, follow.MinPoll or more apart
	// (registry/follow's TestNodePollsAtTTL proves them on a fake
	// clock): A, killed with -9 and started again on the same address,
	// and B, stopped and started, each take it on their first sync.
	first := headOf(t, pub, name).Record
	firstRec, err := ipns.Verify(name, first, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	must(t, pub, "republish", "--force")
	resigned := func(s *server) func() bool {
		return func() bool {
			rec, err := ipns.Verify(name, recordAt(s.URL(), name), time.Time{})
			return err == nil && rec.Validity.After(firstRec.Validity)
		}
	}
	a.stop(syscall.SIGKILL) // kill -9, then start again on the same address
	a.start()
	waitFor(t, converge, "mirror A serves again after kill -9", synced(a))
	waitFor(t, converge, "A serves the re-signed record", resigned(a))
	b.stop(syscall.SIGTERM)
	b.start()
	waitFor(t, converge, "B serves a re-signed record", resigned(b))
	t.Logf("B has the re-signed record %s after publishing", time.Since(published).Round(time.Millisecond))
	client := func() string { return filepath.Join(t.TempDir(), "client") }
	via := []string{"--registry", name, "--gateway", b.URL()}
	if got := must(t, client(), append([]string{"resolve", "say"}, via...)...); got != latest {
		t.Fatalf("resolve through B after re-signing: %s", got)
	}
	p.stop(syscall.SIGTERM)

	t.Run("kubo replica", func(t *testing.T) {
		if got := strings.TrimSpace(node.MustRun(t, "name", "resolve", name)); got != "/ipfs/"+head.Root {
			t.Fatalf("kubo resolves %s, want /ipfs/%s", got, head.Root)
		}
	})
	t.Run("fresh home through B", func(t *testing.T) {
		home := client()
		out := filepath.Join(t.TempDir(), "out")
		must(t, home, append([]string{"get", "say@1.1.0", "-o", out}, via...)...)
		if b, _ := os.ReadFile(filepath.Join(out, "extra.txt")); string(b) != "1.1.0" {
			t.Fatalf("get: %q", b)
		}
		proj := t.TempDir()
		os.WriteFile(filepath.Join(proj, "svcreg.json"), []byte(`{"registry": "`+name+`", "gateways": ["`+b.URL()+`"], "services": {"say": "^1"}}`), 0o644)
		for _, args := range [][]string{{"lock"}, {"install"}} {
			cmd := svcregCmd(t, home, args...)
			cmd.Dir = proj
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("svcreg %s: %v\n%s", args[0], err, out)
			}
		}
		if b, _ := os.ReadFile(filepath.Join(proj, "services", "say", "extra.txt")); string(b) != "1.1.0" {
			t.Fatalf("install: %q", b)
		}
	})
	t.Run("chromium through B's /svc/", func(t *testing.T) {
		checkSay(t, b.URL()+"/svc/say@%5E1/?say=hello%20w%C3%B6rld")
	})

	// B carries the last record the publisher signed, for the same state.
	last := headOf(t, pub, name)
	waitFor(t, converge, "B serves the last record", func() bool { return bytes.Equal(recordAt(b.URL(), name), last.Record) })
	rec, err := ipns.Verify(name, last.Record, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if eol := rec.Validity; !eol.After(published.Add(lifetime)) || last.Seq != head.Seq || last.Root.String() != head.Root {
		t.Fatalf("the last record ends %s, not after the first one's %s, seq %d root %s: never re-signed", eol, published.Add(lifetime), last.Seq, last.Root)
	}
}

// rawCidOf returns the CIDv1 of the raw block s.
func rawCidOf(s string) cid.Cid {
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	return c
}

// TestServeReadThrough: a mirror with --mirror none keeps only the head
// and serves a release it never stored by fetching it from its upstream
// in the request; /healthz and /metrics report the followed registry.
func TestServeReadThrough(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	m := startServer(t, filepath.Join(t.TempDir(), "m"), "--follow", name, "--upstream", good.URL, "--mirror", "none")
	head := headOf(t, pub, name)
	waitFor(t, 10*time.Second, "the mirror has the head", func() bool { seq, _, _ := m.health(name); return seq == head.Seq })
	before := good.hits.Load()
	code, _, body := fetch(t, m.URL()+"/svc/tts@1.0.0/index.html", "")
	if code != 200 || body != "one" {
		t.Fatalf("read-through: %d %q", code, body)
	}
	if good.hits.Load() == before {
		t.Fatal("the upstream was not asked")
	}
	code, _, body = fetch(t, m.URL()+"/metrics", "")
	if code != 200 || !strings.Contains(body, `svcreg_head_seq{registry="`+name+`"}`) {
		t.Fatalf("metrics: %d\n%s", code, body)
	}
}

// recordAt returns the record the server at base serves for name (nil if none).
func recordAt(base, name string) []byte {
	req, _ := http.NewRequest(http.MethodGet, base+"/routing/v1/ipns/"+name, nil)
	req.Header.Set("Accept", "application/vnd.ipfs.ipns-record")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 10<<10))
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	return b
}
