package remote_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	carstorage "github.com/ipld/go-car/v2/storage"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/remote"
)

const name = "k51qzi5uqu5dgutdk6i1ynyzgkqngpha5xpgia3a5qqp4jsh0u4csozksxel3r"

func newGateway(t testing.TB, h http.Handler, opts *remote.Options) *remote.Gateway {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	g, err := remote.New(srv.URL+"/", opts)
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != srv.URL {
		t.Fatalf("String() = %q, want %q", g.String(), srv.URL)
	}
	return g
}

func TestRecord(t *testing.T) {
	ctx := context.Background()
	rec := []byte("signed record bytes")
	record := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
		w.Write(rec)
	}
	tests := []struct {
		name    string
		gw, rt  func(w http.ResponseWriter) // nil: 404
		want    error                       // nil: rec
		retries int
	}{
		{name: "gateway", gw: record},
		{name: "routing fallback", gw: func(w http.ResponseWriter) { http.Error(w, "routing: not found", 500) }, rt: record},
		{name: "not found", want: registry.ErrRecordNotFound},
		{name: "kubo not found", gw: func(w http.ResponseWriter) { http.Error(w, "routing: not found", 500) },
			rt: func(w http.ResponseWriter) { w.Write([]byte("delegate error: routing: not found")) }, want: registry.ErrRecordNotFound},
		{name: "server errors", gw: func(w http.ResponseWriter) { http.Error(w, "boom", 500) },
			rt: func(w http.ResponseWriter) { http.Error(w, "boom", 500) }, want: registry.ErrUnreachable},
		{name: "content instead of a record", gw: func(w http.ResponseWriter) { w.Write([]byte("<html>")) }, want: registry.ErrRecordNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/ipns/"+name, func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Accept") != "application/vnd.ipfs.ipns-record" || r.URL.Query().Get("format") != "ipns-record" {
					t.Errorf("request %s Accept %q", r.URL, r.Header.Get("Accept"))
				}
				if tc.gw == nil {
					http.NotFound(w, r)
					return
				}
				tc.gw(w)
			})
			mux.HandleFunc("/routing/v1/ipns/"+name, func(w http.ResponseWriter, r *http.Request) {
				if tc.rt == nil {
					http.NotFound(w, r)
					return
				}
				tc.rt(w)
			})
			got, err := newGateway(t, mux, nil).Record(ctx, name)
			switch {
			case tc.want == nil && (err != nil || !bytes.Equal(got, rec)):
				t.Fatalf("got %q, %v", got, err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("got %q, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestRecordTooLarge(t *testing.T) {
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
		w.Write(make([]byte, remote.MaxRecordSize+1))
	}), nil)
	_, err := g.Record(context.Background(), name)
	if err == nil || errors.Is(err, registry.ErrUnreachable) {
		t.Fatalf("oversized record: %v", err)
	}
}

func TestRetries(t *testing.T) {
	var calls atomic.Int32
	g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write([]byte("block"))
	}), nil)
	c := rawCid(t, "block")
	got, err := g.Block(context.Background(), c)
	if err != nil || string(got) != "block" || calls.Load() != 3 {
		t.Fatalf("got %q, %v after %d calls", got, err, calls.Load())
	}

	calls.Store(-100)
	g = newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}), &remote.Options{Retries: -1})
	if _, err := g.Block(context.Background(), c); !errors.Is(err, registry.ErrUnreachable) || calls.Load() != -99 {
		t.Fatalf("no retries: %v after %d calls", err, calls.Load()+100)
	}
}

func TestDeadGateway(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens here now: connections are refused
	// An hour's timeout: giving up must come from the refusal itself.
	g, err := remote.New("http://"+addr, &remote.Options{Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	err = endsWithin(t, "a fetch from a refusing address", func() error {
		_, err := g.Record(context.Background(), name)
		return err
	})
	if !errors.Is(err, registry.ErrUnreachable) || strings.Contains(err.Error(), "no response within") {
		t.Fatalf("dead gateway: %v, want ErrUnreachable from the refusal", err)
	}
}

func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/ipfs/", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("format") == "car" { // headers, then silence
			w.WriteHeader(200)
			w.Write([]byte{0x0a})
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// The server holds every request until the test ends: only the
	// timeout can end a fetch.
	g := newGateway(t, mux, &remote.Options{Timeout: 200 * time.Millisecond})
	err := endsWithin(t, "a block from a silent gateway", func() error {
		_, err := g.Block(context.Background(), rawCid(t, "x"))
		return err
	})
	if !errors.Is(err, registry.ErrUnreachable) || !strings.Contains(err.Error(), "no response within") {
		t.Fatalf("silent gateway: %v, want ErrUnreachable from the timeout", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("gave up after %d calls; a time-out is not retried", n)
	}
	err = endsWithin(t, "a stalled CAR", func() error {
		return g.DAG(context.Background(), rawCid(t, "x"), func(cid.Cid, []byte) error { return nil })
	})
	if !errors.Is(err, registry.ErrUnreachable) {
		t.Fatalf("stalled CAR: %v", err)
	}
}

func TestBlock(t *testing.T) {
	ctx := context.Background()
	c := rawCid(t, "hello")
	mux := http.NewServeMux()
	mux.HandleFunc("/ipfs/"+c.String(), func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "raw" || r.Header.Get("Accept") != "application/vnd.ipld.raw" {
			t.Errorf("request %s Accept %q", r.URL, r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write([]byte("hello"))
	})
	g := newGateway(t, mux, nil)
	if b, err := g.Block(ctx, c); err != nil || string(b) != "hello" {
		t.Fatalf("got %q, %v", b, err)
	}
	if _, err := g.Block(ctx, rawCid(t, "other")); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("missing block: %v", err)
	}

	big := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write(make([]byte, remote.MaxBlockSize+1))
	}), nil)
	if _, err := big.Block(ctx, c); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized block: %v", err)
	}
}

// dag is a small UnixFS-like DAG: a dag-pb root linking two raw leaves
// and a dag-pb child that links one of them again.
type dag struct {
	root   cid.Cid
	blocks map[cid.Cid][]byte
	order  []cid.Cid // depth-first, first seen
}

func newDAG(t testing.TB) *dag {
	t.Helper()
	a, b := merkledag.NewRawNode([]byte("leaf a")), merkledag.NewRawNode([]byte("leaf b"))
	child := merkledag.NodeWithData([]byte{0x08, 0x01})
	if err := child.AddNodeLink("a", a); err != nil {
		t.Fatal(err)
	}
	root := merkledag.NodeWithData([]byte{0x08, 0x01})
	if err := root.AddNodeLink("a", a); err != nil {
		t.Fatal(err)
	}
	if err := root.AddNodeLink("b", b); err != nil {
		t.Fatal(err)
	}
	if err := root.AddNodeLink("c", child); err != nil {
		t.Fatal(err)
	}
	d := &dag{root: root.Cid(), blocks: map[cid.Cid][]byte{}}
	for _, n := range []interface {
		Cid() cid.Cid
		RawData() []byte
	}{root, a, b, child} {
		d.blocks[n.Cid()] = n.RawData()
		d.order = append(d.order, n.Cid())
	}
	return d
}

// car writes the blocks in order (which need not be the DAG's) as CARv1.
func (d *dag) car(t testing.TB, order []cid.Cid, data map[cid.Cid][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := carstorage.NewWritable(&buf, []cid.Cid{d.root}, carv2.WriteAsCarV1(true), carv2.AllowDuplicatePuts(true))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range order {
		b, ok := data[c]
		if !ok {
			b = d.blocks[c]
		}
		if err := w.Put(context.Background(), c.KeyString(), b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Finalize(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDAG(t *testing.T) {
	d := newDAG(t)
	unrelated := merkledag.NewRawNode([]byte("stuffing"))
	d.blocks[unrelated.Cid()] = unrelated.RawData()
	tests := []struct {
		name string
		body []byte
		want error // nil: every block
	}{
		{"complete", d.car(t, d.order, nil), nil},
		{"missing leaf", d.car(t, d.order[:3], nil), registry.ErrBlockNotFound},
		{"corrupt leaf", d.car(t, d.order, map[cid.Cid][]byte{d.order[1]: []byte("leaf x")}), manifest.ErrCIDMismatch},
		{"unrelated block", d.car(t, append(append([]cid.Cid{}, d.order...), unrelated.Cid()), nil), errUnexpected},
		{"child before parent", d.car(t, []cid.Cid{d.order[1], d.order[0]}, nil), errUnexpected},
		{"truncated", d.car(t, d.order, nil)[:60], registry.ErrUnreachable},
		{"not a CAR", []byte("<html>hello</html>"), errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/ipfs/"+d.root.String() || r.URL.Query().Get("format") != "car" || r.URL.Query().Get("dag-scope") != "all" {
					t.Errorf("request %s", r.URL)
				}
				w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1; order=dfs; dups=n")
				w.Write(tc.body)
			}), nil)
			var got []cid.Cid
			err := g.DAG(context.Background(), d.root, func(c cid.Cid, data []byte) error {
				if !bytes.Equal(data, d.blocks[c]) {
					t.Errorf("put %s with other bytes", c)
				}
				got = append(got, c)
				return nil
			})
			switch {
			case tc.want == nil:
				if err != nil || len(got) != 4 {
					t.Fatalf("got %d blocks, %v", len(got), err)
				}
			case tc.want == errAny:
				if err == nil {
					t.Fatal("no error")
				}
			case tc.want == errUnexpected:
				if err == nil || !strings.Contains(err.Error(), "unexpected block") {
					t.Fatalf("got %v, want an unexpected block", err)
				}
			case !errors.Is(err, tc.want):
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

var (
	errAny        = errors.New("any error")
	errUnexpected = errors.New("unexpected block")
)

func rawCid(t testing.TB, s string) cid.Cid {
	t.Helper()
	return merkledag.NewRawNode([]byte(s)).Cid()
}
