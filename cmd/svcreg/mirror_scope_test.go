package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/flatfs"
)

// hanging is an upstream that answers as good does, except for the CIDs
// in hang: those requests get no answer until the client goes. It counts
// those requests and the connections open to it.
type hanging struct {
	*httptest.Server
	hang               map[string]bool
	asked              sync.Map // CID → requests for it
	requests, inflight atomic.Int32
	maxInflight        atomic.Int32
	conns, maxConns    atomic.Int32
}

func newHanging(t *testing.T, good *testGateway, hang []cid.Cid) *hanging {
	t.Helper()
	h := &hanging{hang: map[string]bool{}}
	for _, c := range hang {
		h.hang[c.String()] = true
	}
	h.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := strings.TrimPrefix(r.URL.Path, "/ipfs/")
		n, _ := h.asked.LoadOrStore(c, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		if !h.hang[c] {
			good.serve(w, r)
			return
		}
		h.requests.Add(1)
		raise(&h.maxInflight, h.inflight.Add(1))
		<-r.Context().Done()
		h.inflight.Add(-1)
	}))
	h.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			raise(&h.maxConns, h.conns.Add(1))
		case http.StateClosed, http.StateHijacked:
			h.conns.Add(-1)
		}
	}
	h.Start()
	t.Cleanup(h.Close)
	return h
}

// askedFor returns how many requests asked for c.
func (h *hanging) askedFor(c cid.Cid) int32 {
	n, ok := h.asked.Load(c.String())
	if !ok {
		return 0
	}
	return n.(*atomic.Int32).Load()
}

// raise sets max to v when v is larger.
func raise(max *atomic.Int32, v int32) {
	for m := max.Load(); v > m && !max.CompareAndSwap(m, v); m = max.Load() {
	}
}

// TestMirrorFetchesOnlyReach: a mirror fetches only what the registry it
// follows reaches. A block its upstream has but the registry does not
// reach answers 404 and is never asked for (200 with --fetch-any). With
// an upstream that never answers, clients that give up after 0.5 s cost
// at most --max-fetches upstream requests at once and one per CID, and
// none once they have gone.
func TestMirrorFetchesOnlyReach(t *testing.T) {
	const maxFetches, files, clients = 4, 40, 3
	dir := t.TempDir()
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	site := filepath.Join(dir, "site")
	os.MkdirAll(site, 0o755)
	for i := range files {
		os.WriteFile(filepath.Join(site, fmt.Sprintf("f%02d.txt", i)), []byte(fmt.Sprintf("file %d", i)), 0o644)
	}
	out := strings.Fields(must(t, pub, "publish", "many@1.0.0", site))
	root, err := cid.Decode(out[len(out)-1])
	if err != nil {
		t.Fatal(err)
	}
	bs, err := flatfs.Open(filepath.Join(pub, blocksDir), &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	unrelated := rawCidOf("a block the upstream has, which no followed registry reaches")
	if err := bs.Put(t.Context(), unrelated, []byte("a block the upstream has, which no followed registry reaches")); err != nil {
		t.Fatal(err)
	}
	data, err := bs.Get(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	node, err := merkledag.DecodeProtobuf(data)
	if err != nil {
		t.Fatal(err)
	}
	var leaves []cid.Cid
	for _, l := range node.Links() {
		leaves = append(leaves, l.Cid)
	}
	if len(leaves) != files {
		t.Fatalf("the release links %d files, want %d", len(leaves), files)
	}
	up := newHanging(t, newGateway(t, pub), leaves)

	m := startServer(t, filepath.Join(dir, "m"), "--follow", name, "--upstream", up.URL, "--mirror", "none",
		"--max-fetches", fmt.Sprint(maxFetches))
	waitFor(t, 10*time.Second, "the mirror has the head", func() bool { seq, _, _ := m.health(name); return seq > 0 })
	if code, _, _ := fetch(t, m.URL()+"/ipfs/"+unrelated.String()+"?format=raw", ""); code != http.StatusNotFound {
		t.Fatalf("a block no followed registry reaches: %d, want 404", code)
	}
	if n := up.askedFor(unrelated); n != 0 {
		t.Fatalf("the upstream was asked %d times for a block no followed registry reaches", n)
	}
	if code, _, _ := fetch(t, m.URL()+"/ipfs/"+root.String()+"?format=raw", ""); code != http.StatusOK {
		t.Fatalf("the release's root: %d, want 200", code)
	}

	var wg sync.WaitGroup
	var answered atomic.Int32
	for _, c := range leaves {
		for range clients {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, m.URL()+"/ipfs/"+c.String()+"?format=raw", nil)
				if resp, err := http.DefaultClient.Do(req); err == nil {
					answered.Add(1)
					resp.Body.Close()
				}
			})
		}
	}
	wg.Wait()
	if n := answered.Load(); n != 0 {
		t.Fatalf("%d requests were answered although the upstream hangs", n)
	}
	if up.requests.Load() == 0 {
		t.Fatal("the release's files, which it reaches, were never asked for")
	}
	waitFor(t, 5*time.Second, "the upstream requests end when their clients have gone", func() bool { return up.inflight.Load() == 0 })
	// The upstream sees a request end a little after the mirror cancelled
	// it and gave its turn to the next one.
	if n := up.maxInflight.Load(); n > 2*maxFetches {
		t.Fatalf("%d upstream requests at once, want at most twice --max-fetches %d", n, maxFetches)
	}
	if n := up.requests.Load(); n > files {
		t.Fatalf("%d clients made %d upstream requests, want at most one per CID (%d)", files*clients, n, files)
	}
	// A cancelled request's connection closes as the next one opens; two
	// idle ones stay for reuse (net/http's MaxIdleConnsPerHost).
	if n := up.maxConns.Load(); n > 2*maxFetches+2 {
		t.Fatalf("%d connections open to the upstream at once, want at most %d", n, 2*maxFetches+2)
	}
	waitFor(t, 5*time.Second, "the connections to the upstream close", func() bool { return up.conns.Load() <= 2 })
	t.Logf("%d clients: %d upstream requests, at most %d at once, at most %d connections",
		files*clients, up.requests.Load(), up.maxInflight.Load(), up.maxConns.Load())

	t.Run("fetch-any", func(t *testing.T) {
		m := startServer(t, filepath.Join(dir, "any"), "--follow", name, "--upstream", up.URL, "--mirror", "none", "--fetch-any")
		waitFor(t, 10*time.Second, "the mirror has the head", func() bool { seq, _, _ := m.health(name); return seq > 0 })
		if code, _, _ := fetch(t, m.URL()+"/ipfs/"+unrelated.String()+"?format=raw", ""); code != http.StatusOK {
			t.Fatalf("--fetch-any, a block the upstream has: %d, want 200", code)
		}
	})
}
