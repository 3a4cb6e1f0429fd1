package node_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/node"
	"github.com/svcreg/svcreg/registry/target"
)

// readyWait bounds how long a test waits for a node to start serving.
const readyWait = 30 * time.Second

// newHome makes a home in a temporary directory whose registry holds one
// release, web@1.0.0 (index.html: "hello\n"), and returns its directory
// and key. The home is closed again: a node opens it afresh.
func newHome(t *testing.T) (string, *ipns.Key) {
	t.Helper()
	tmp := t.TempDir()
	site := filepath.Join(tmp, "site")
	if err := os.MkdirAll(site, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "home")
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx := t.Context()
	if _, err := h.Init(ctx, home.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Publish(ctx, home.PublishDir{Service: "web", Version: manifest.MustParseVersion("1.0.0"), Dir: site}); err != nil {
		t.Fatal(err)
	}
	key, err := h.Key()
	if err != nil {
		t.Fatal(err)
	}
	return dir, key
}

// openHome opens the home dir for the test's duration.
func openHome(t *testing.T, dir string) *home.Home {
	t.Helper()
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// serve runs n on a loopback listener until the test ends and returns
// its base URL once it accepts connections.
func serve(t *testing.T, n *node.Node) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln, func() { close(ready) }) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("Serve before ready: %v", err)
	case <-time.After(readyWait):
		t.Fatalf("not ready after %v", readyWait)
	}
	return "http://" + ln.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestNodeServesRelease starts a node on a home with one published
// release and reads it by its /svc/ address, and the node's health.
func TestNodeServesRelease(t *testing.T) {
	dir, key := newHome(t)
	n, err := node.New(node.Config{Home: openHome(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Registry(); got != key.RegistryName() {
		t.Fatalf("Registry() = %s, want the home's own %s", got, key.RegistryName())
	}
	base := serve(t, n)
	if code, body := get(t, base+"/svc/web@%5E1/index.html"); code != http.StatusOK || body != "hello\n" {
		t.Fatalf("GET /svc/web@^1/index.html: %d %q", code, body)
	}
	code, body := get(t, base+"/healthz")
	var health follow.Health
	if err := json.Unmarshal([]byte(body), &health); code != http.StatusOK || err != nil {
		t.Fatalf("GET /healthz: %d %q (%v)", code, body, err)
	}
	if code, body := get(t, base+"/metrics"); code != http.StatusOK || body == "" {
		t.Fatalf("GET /metrics: %d %q", code, body)
	}
}

// TestNodeRefuses checks what New refuses before anything listens.
func TestNodeRefuses(t *testing.T) {
	empty := openHome(t, filepath.Join(t.TempDir(), "home"))
	if _, err := node.New(node.Config{Home: empty}); !errors.Is(err, registry.ErrNoHead) {
		t.Errorf("New on an empty home: %v, want registry.ErrNoHead", err)
	}
	dir, _ := newHome(t)
	ro, err := home.Open(dir, &home.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := node.New(node.Config{Home: ro, StorageMax: 1 << 20}); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("New with a storage cap on a read-only home: %v, want home.ErrReadOnly", err)
	}
	name := newName(t)
	bad := []target.Target{{Name: name, Gateways: []string{"ftp://nowhere.example"}}}
	if _, err := node.New(node.Config{Home: openHome(t, dir), Follow: bad}); !errors.Is(err, follow.ErrBadUpstream) {
		t.Errorf("New with an ftp:// upstream: %v, want follow.ErrBadUpstream", err)
	}
}

// newName returns the name of a new registry.
func newName(t *testing.T) ipnsrec.Name {
	t.Helper()
	k, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k.RegistryName()
}

// TestResolveFollow checks the registries to follow: each spec once,
// and the spec as written in every FollowError.
func TestResolveFollow(t *testing.T) {
	ctx := t.Context()
	name := newName(t).String()
	with := target.New(target.Config{Gateways: []string{"http://127.0.0.1:9/"}})
	ts, err := node.ResolveFollow(ctx, with, []string{name, name})
	if err != nil || len(ts) != 1 || ts[0].Name.String() != name || len(ts[0].Gateways) != 1 {
		t.Fatalf("ResolveFollow(%s twice) = %+v, %v; want one target with the gateway", name, ts, err)
	}
	if ts, err := node.ResolveFollow(ctx, with, nil); err != nil || len(ts) != 0 {
		t.Fatalf("ResolveFollow(nothing) = %+v, %v", ts, err)
	}
	for _, tc := range []struct {
		r    *target.Resolver
		spec string
		want error
	}{
		{with, "", node.ErrEmptySpec},
		{target.New(target.Config{}), name, node.ErrNoUpstream},
		{with, "not a name!", target.ErrInvalidTarget},
	} {
		_, err := node.ResolveFollow(ctx, tc.r, []string{tc.spec})
		var fe *node.FollowError
		if !errors.As(err, &fe) || fe.Spec != tc.spec || !errors.Is(err, tc.want) {
			t.Errorf("ResolveFollow(%q) = %v, want a *FollowError for it wrapping %v", tc.spec, err, tc.want)
		}
	}
}

// TestResolveFollowP2P: a node that is a peer on the IPFS network
// follows a registry without upstreams.
func TestResolveFollowP2P(t *testing.T) {
	name := newName(t).String()
	ts, err := node.ResolveFollowWith(t.Context(), target.New(target.Config{}), []string{name}, node.FollowOptions{P2P: true})
	if err != nil || len(ts) != 1 || ts[0].Name.String() != name || len(ts[0].Gateways) != 0 {
		t.Fatalf("ResolveFollowWith(%s, P2P) = %+v, %v; want one target without gateways", name, ts, err)
	}
}
