package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// result is one in-process svcreg run.
type result struct {
	stdout, stderr string
	code           int
}

// svcreg runs the command line in-process on the home dir.
func svcreg(t testing.TB, home string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"svcreg", "--home", home}, args...), &stdout, &stderr)
	return result{stdout.String(), stderr.String(), code}
}

// must runs svcreg and fails the test unless it exits 0.
func must(t testing.TB, home string, args ...string) string {
	t.Helper()
	r := svcreg(t, home, args...)
	if r.code != 0 {
		t.Fatalf("svcreg %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// fails runs svcreg and checks its exit code and that stderr matches.
func fails(t testing.TB, code int, stderr, home string, args ...string) result {
	t.Helper()
	r := svcreg(t, home, args...)
	if r.code != code || !strings.Contains(r.stderr, stderr) {
		t.Fatalf("svcreg %s: exit %d, want %d with %q\n%s", strings.Join(args, " "), r.code, code, stderr, r.stderr)
	}
	return r
}

// testGateway is a trustless gateway over a publisher's home, with faults.
type testGateway struct {
	*httptest.Server
	name   string
	blocks *flatfs.Store
	record atomic.Pointer[[]byte]
	hits   atomic.Int32
	mu     sync.Mutex
	fault  string // "", "corrupt", "slow", "norecord"
	stall  chan struct{}
}

// newGateway serves the home's blocks and its current record.
func newGateway(t testing.TB, home string) *testGateway {
	t.Helper()
	bs, err := flatfs.Open(filepath.Join(home, blocksDir), &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	g := &testGateway{blocks: bs, stall: make(chan struct{})}
	g.snapshot(t, home)
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(func() { close(g.stall); g.Close() })
	return g
}

// snapshot makes the gateway serve the home's current record.
func (g *testGateway) snapshot(t testing.TB, home string) {
	t.Helper()
	name := must(t, home, "name", "--json")
	name = name[strings.Index(name, "k51") : strings.Index(name, "k51")+62]
	h := headOf(t, home, name)
	g.name = name
	g.record.Store(&h.Record)
}

func (g *testGateway) setFault(f string) {
	g.mu.Lock()
	g.fault = f
	g.mu.Unlock()
}

func (g *testGateway) serve(w http.ResponseWriter, r *http.Request) {
	g.hits.Add(1)
	g.mu.Lock()
	fault := g.fault
	g.mu.Unlock()
	if fault == "slow" {
		select {
		case <-g.stall:
		case <-r.Context().Done():
		}
		return
	}
	ctx := r.Context()
	switch p := r.URL.Path; {
	case p == "/ipns/"+g.name && fault != "norecord":
		w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
		w.Write(*g.record.Load())
	case strings.HasPrefix(p, "/ipfs/"):
		c, err := cid.Decode(strings.TrimPrefix(p, "/ipfs/"))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if r.URL.Query().Get("format") == "car" {
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1; order=dfs; dups=n")
			cw, _ := car.NewWriter(w, []cid.Cid{c}, g.blocks)
			cw.DAG(ctx, c, nil)
			cw.Close()
			return
		}
		data, err := g.blocks.Get(ctx, c)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if fault == "corrupt" {
			data = append([]byte("evil"), data...)
		}
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write(data)
	default:
		http.NotFound(w, r)
	}
}

// publisher makes a home with a registry: tts 1.0.0 and 1.0.1, web 2.0.0.
func publisher(t testing.TB) (home, name string) {
	t.Helper()
	dir := t.TempDir()
	home = filepath.Join(dir, "pub")
	for sub, content := range map[string]string{"a": "one", "b": "two", "w": "web"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		os.WriteFile(filepath.Join(dir, sub, "index.html"), []byte(content), 0o644)
	}
	name = must(t, home, "init")
	must(t, home, "publish", "tts@1.0.0", filepath.Join(dir, "a"))
	must(t, home, "publish", "web@2.0.0", filepath.Join(dir, "w"))
	must(t, home, "publish", "tts@1.0.1", filepath.Join(dir, "b"))
	return home, name
}

func TestNetworkResolve(t *testing.T) {
	pub, name := publisher(t)
	want := must(t, pub, "resolve", "tts@^1")
	good := newGateway(t, pub)
	client := filepath.Join(t.TempDir(), "client")
	reg := []string{"--registry", name, "--gateway", good.URL}

	t.Run("fresh home", func(t *testing.T) {
		if got := must(t, client, append([]string{"resolve", "tts@^1"}, reg...)...); got != want {
			t.Fatalf("resolved %s, want %s", got, want)
		}
	})
	t.Run("within the TTL no request", func(t *testing.T) {
		before := good.hits.Load()
		must(t, client, append([]string{"resolve", "tts"}, reg...)...)
		if good.hits.Load() != before {
			t.Fatal("a resolve within the record's TTL asked the gateway")
		}
		must(t, client, append([]string{"resolve", "tts", "--refresh"}, reg...)...)
		if good.hits.Load() == before {
			t.Fatal("--refresh did not ask the gateway")
		}
	})
	t.Run("get", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "out")
		must(t, client, append([]string{"get", "tts@1.0.0", "-o", out}, reg...)...)
		if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "one" {
			t.Fatalf("got %q", b)
		}
	})
	t.Run("a newer state", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "index.html"), []byte("three"), 0o644)
		newer := must(t, pub, "publish", "tts@1.1.0", dir)
		good.snapshot(t, pub)
		got := must(t, client, append([]string{"resolve", "tts", "--refresh"}, reg...)...)
		if !strings.HasSuffix(newer, got) {
			t.Fatalf("resolved %s after %s", got, newer)
		}
	})
}

func TestNetworkAdversarial(t *testing.T) {
	pub, name := publisher(t)
	want := must(t, pub, "resolve", "tts")
	good := newGateway(t, pub)
	fresh := func() string { return filepath.Join(t.TempDir(), "client") }

	t.Run("dead and good", func(t *testing.T) {
		dead := httptest.NewServer(http.NotFoundHandler())
		dead.Close() // connections are refused
		r := svcreg(t, fresh(), "resolve", "tts", "--registry", name, "--gateway", dead.URL, "--gateway", good.URL)
		if r.code != 0 || strings.TrimSpace(r.stdout) != want || !strings.Contains(r.stderr, "warning: "+dead.URL) {
			t.Fatalf("exit %d: %s%s", r.code, r.stdout, r.stderr)
		}
		fails(t, exitNetwork, "not available from any source", fresh(), "resolve", "tts", "--registry", name, "--gateway", dead.URL)
	})
	t.Run("corrupt blocks", func(t *testing.T) {
		liar := newGateway(t, pub)
		liar.setFault("corrupt")
		got := must(t, fresh(), "resolve", "tts", "--registry", name, "--gateway", liar.URL, "--gateway", good.URL)
		if got != want {
			t.Fatalf("resolved %s", got)
		}
		home := fresh()
		fails(t, exitIntegrity, "block does not match its cid", home, "resolve", "tts", "--registry", name, "--gateway", liar.URL)
		// nothing unverified was kept
		fails(t, exitNetwork, "offline", home, "resolve", "tts", "--registry", name, "--offline")
	})
	t.Run("record of another registry", func(t *testing.T) {
		other, _ := publisher(t)
		foreign := newGateway(t, other)
		foreign.name = name // serves the other registry's record under this name
		fails(t, exitIntegrity, "fails verification", fresh(), "resolve", "tts", "--registry", name, "--gateway", foreign.URL)
		must(t, fresh(), "resolve", "tts", "--registry", name, "--gateway", foreign.URL, "--gateway", good.URL)
	})
	t.Run("no record", func(t *testing.T) {
		empty := newGateway(t, pub)
		empty.setFault("norecord")
		fails(t, exitNotFound, "no record for the registry", fresh(), "resolve", "tts", "--registry", name, "--gateway", empty.URL)
	})
	t.Run("rollback", func(t *testing.T) {
		stale := newGateway(t, pub) // serves seq 4
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "index.html"), []byte("newer"), 0o644)
		must(t, pub, "publish", "tts@2.0.0", dir)
		newer := newGateway(t, pub) // serves seq 5
		home := fresh()
		must(t, home, "resolve", "tts", "--registry", name, "--gateway", newer.URL)
		r := fails(t, exitIntegrity, "sequence is not above the highest seen", home,
			"resolve", "tts", "--registry", name, "--gateway", stale.URL, "--refresh")
		if !strings.Contains(r.stderr, "hint: a gateway served an older state") {
			t.Errorf("no hint: %s", r.stderr)
		}
		// next to a current gateway the stale one is only a warning
		r = svcreg(t, home, "resolve", "tts", "--registry", name, "--gateway", stale.URL, "--gateway", newer.URL, "--refresh")
		if r.code != 0 || !strings.Contains(r.stderr, "warning: "+stale.URL) {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		must(t, home, "resolve", "tts", "--registry", name, "--offline")
		// the publisher's own home is ahead of gateways by nature: a warning
		r = svcreg(t, pub, "resolve", "tts", "--gateway", stale.URL)
		if r.code != 0 || !strings.Contains(r.stderr, "the gateways serve an older state than this home's seq 5") {
			t.Fatalf("own registry, stale gateway: exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("time-out", func(t *testing.T) {
		slow := newGateway(t, pub)
		slow.setFault("slow")
		start := time.Now()
		fails(t, exitNetwork, "no response within 300ms", fresh(), "resolve", "tts", "--registry", name, "--gateway", slow.URL, "--timeout", "300ms")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("gave up after %s", d)
		}
		// with a cached copy, the answer comes from the cache, with a warning
		home := fresh()
		must(t, home, "resolve", "tts", "--registry", name, "--gateway", good.URL)
		r := svcreg(t, home, "resolve", "tts", "--registry", name, "--gateway", slow.URL, "--timeout", "300ms", "--refresh")
		if r.code != 0 || !strings.Contains(r.stderr, "no gateway answered; using the cached state") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	})
	t.Run("offline", func(t *testing.T) {
		fails(t, exitNetwork, "not in the local cache and offline", fresh(), "resolve", "tts", "--registry", name, "--gateway", good.URL, "--offline")
	})
}

// A CAR whose record root claims the manifest but is signed by another key
// is refused after its blocks are stored; the head is not adopted.
func TestImportForgedRecord(t *testing.T) {
	pub, name := publisher(t)
	other, _ := publisher(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "forged.car")
	head := headOf(t, pub, name)
	// re-sign: the other key signs a record for this registry's root
	forged := signWith(t, other, head.Root, head.Seq)
	rc, _ := car.RecordCID(forged)
	f, _ := os.Create(file)
	bs, _ := flatfs.Open(filepath.Join(pub, blocksDir), nil)
	w, _ := car.NewWriter(f, []cid.Cid{head.Root, rc}, bs)
	if err := w.DAG(context.Background(), head.Root, nil); err != nil {
		t.Fatal(err)
	}
	w.Put(context.Background(), rc, forged)
	w.Close()
	f.Close()
	client := filepath.Join(dir, "client")
	fails(t, exitIntegrity, "invalid ipns record", client, "import", file)
	fails(t, exitNetwork, "offline", client, "resolve", "tts", "--registry", name, "--offline")
}

func headOf(t testing.TB, home, name string) registry.Head {
	t.Helper()
	cache, err := bolt.Open(filepath.Join(home, indexFile), &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	h, err := cache.Head(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// signWith signs a record for root and seq with the key of home.
func signWith(t testing.TB, home string, root cid.Cid, seq uint64) []byte {
	t.Helper()
	k, err := ipns.LoadKey(filepath.Join(home, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ipns.NewSigner(k).Sign(root, seq)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}
