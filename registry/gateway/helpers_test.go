package gateway_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// sayFiles is a small web app like examples/say.
var sayFiles = map[string]string{
	"index.html":   `<!DOCTYPE html><title>say</title><link rel="stylesheet" href="style.css"><h1 id="text"></h1><script src="say.js"></script>`,
	"style.css":    "h1 { color: #222; }\n",
	"say.js":       "document.getElementById('text').textContent = new URLSearchParams(location.search).get('say');\n",
	"docs/a.txt":   "a\n",
	"docs/b/c.txt": "c\n",
}

// home is a registry home like SVCREG_HOME: a block store, an index and
// keys, for tests. Its index is open only inside update.
type home struct {
	dir   string
	index string
	store *flatfs.Store
	key   *ipns.Key
	now   time.Time
}

func newHome(t testing.TB, seed byte) *home {
	t.Helper()
	dir := t.TempDir()
	store, err := flatfs.Open(filepath.Join(dir, "blocks"), &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &home{dir: dir, index: filepath.Join(dir, "index.db"), store: store, key: seedKey(t, seed), now: time.Now()}
}

func seedKey(t testing.TB, b byte) *ipns.Key {
	t.Helper()
	k, err := ipns.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{b}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// signer signs for key at h.now with the given lifetime (0: default).
func (h *home) signer(key *ipns.Key, lifetime time.Duration) *ipns.Signer {
	return &ipns.Signer{Key: key, Lifetime: lifetime, Now: func() time.Time { return h.now }}
}

// update opens the index read-write, runs fn on a registry of key, and
// closes the index again.
func (h *home) update(t *testing.T, key *ipns.Key, fn func(*registry.Registry)) {
	t.Helper()
	c, err := bolt.Open(h.index, &bolt.Options{NoSync: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reg, err := registry.New(registry.Config{Blocks: h.store, Index: c, Signer: h.signer(key, 0), Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	fn(reg)
}

func (h *home) init(t *testing.T, key *ipns.Key) registry.Head {
	t.Helper()
	var head registry.Head
	h.update(t, key, func(reg *registry.Registry) {
		var err error
		if head, err = reg.Init(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
	return head
}

// importFiles stores files as a UnixFS directory and returns its CID.
func (h *home) importFiles(t *testing.T, files map[string]string) cid.Cid {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := unixfs.Import(context.Background(), h.store.Blockstore(), dir, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		t.Fatal(err)
	}
	return res.Root
}

// publication imports files and describes them as name@version.
func (h *home) publication(t *testing.T, spec string, files map[string]string) registry.Publication {
	t.Helper()
	name, v, err := manifest.ParseExact(spec)
	if err != nil {
		t.Fatal(err)
	}
	return registry.Publication{Service: name, Version: v, Content: h.importFiles(t, files), Profile: unixfs.ProfileV1}
}

// publish records files as spec (name@version) in key's registry.
func (h *home) publish(t *testing.T, key *ipns.Key, spec string, files map[string]string) cid.Cid {
	t.Helper()
	p := h.publication(t, spec, files)
	h.update(t, key, func(reg *registry.Registry) {
		if _, _, err := reg.Publish(context.Background(), p); err != nil {
			t.Fatal(err)
		}
	})
	return p.Content
}

// serve starts a gateway on the home; edit adjusts its Config.
func (h *home) serve(t testing.TB, edit func(*gateway.Config)) *httptest.Server {
	t.Helper()
	cfg := gateway.Config{Blocks: h.store, IndexPath: h.index, Registry: h.key.RegistryName(), Now: func() time.Time { return h.now }}
	if edit != nil {
		edit(&cfg)
	}
	s, err := gateway.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

// response is a finished HTTP exchange.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// get requests url without following redirects; hdr holds header pairs.
func get(t *testing.T, method, url string, body []byte, hdr ...string) response {
	t.Helper()
	r, err := fetch(method, url, body, hdr...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// overlay is a registry.Blocks that reads the home's store but keeps its
// writes in memory: blocks a gateway on the home does not have.
type overlay struct {
	base registry.Blocks
	mem  *registrytest.Blocks
}

func (o overlay) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	if ok, _ := o.mem.Has(ctx, c); ok {
		return o.mem.Get(ctx, c)
	}
	return o.base.Get(ctx, c)
}

func (o overlay) Put(ctx context.Context, c cid.Cid, data []byte) error {
	return o.mem.Put(ctx, c, data)
}

func (o overlay) Has(ctx context.Context, c cid.Cid) (bool, error) {
	if ok, _ := o.mem.Has(ctx, c); ok {
		return true, nil
	}
	return o.base.Has(ctx, c)
}

// detachedState builds the next state of key's registry from the index's
// head without storing it in the index; with blocks false its new blocks
// are not stored either. It returns the signed record.
func (h *home) detachedState(t *testing.T, key *ipns.Key, p registry.Publication, blocks bool) registry.Head {
	t.Helper()
	c, err := bolt.Open(h.index, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := c.Head(context.Background(), key.Name())
	c.Close()
	if err != nil {
		t.Fatal(err)
	}
	mem := registrytest.NewIndex()
	if err := mem.SwapHead(context.Background(), 0, cur); err != nil {
		t.Fatal(err)
	}
	var bs registry.Blocks = h.store
	if !blocks {
		bs = overlay{base: h.store, mem: registrytest.NewBlocks()}
	}
	reg, err := registry.New(registry.Config{Blocks: bs, Index: mem, Signer: h.signer(key, 0), Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := reg.Publish(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return next
}

// indexHead reads the head of name from the index.
func (h *home) indexHead(t *testing.T, name string) (registry.Head, error) {
	t.Helper()
	c, err := bolt.Open(h.index, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.Head(context.Background(), name)
}

// cfgT shortens gateway.Config in test tables.
type cfgT = gateway.Config

// detachedInit makes the first state of key's registry with blocks in the
// home's store but no head in its index: a registry the home does not
// follow.
func (h *home) detachedInit(t *testing.T, key *ipns.Key) registry.Head {
	t.Helper()
	reg, err := registry.New(registry.Config{Blocks: h.store, Index: registrytest.NewIndex(), Signer: h.signer(key, 0), Now: func() time.Time { return h.now }})
	if err != nil {
		t.Fatal(err)
	}
	head, err := reg.Init(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return head
}

// hang bounds a wait that only a lock, a timeout or a kept answer under
// test can end; reaching it means the server waits for what it should
// not, not that the machine is slow.
const hang = 30 * time.Second

// endsWithin runs f and reports its error, failing the test as a hang
// after hang. f reports through its error, not t: it may still be running
// when the test has ended.
func endsWithin(t *testing.T, what string, f func() error) {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- f() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(hang):
		t.Fatalf("hung: %s did not end", what)
	}
}

// fetch is get for endsWithin: it returns the transport's error instead
// of failing the test.
func fetch(method, url string, body []byte, hdr ...string) (response, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return response{}, err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: b}, err
}
