package follow_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// pub is a publisher: a registry signed with a real ed25519 key.
type pub struct {
	reg    *registry.Registry
	blocks *registrytest.Blocks
	signer *ipns.Signer
	name   ipnsrec.Name
}

func newPub(t testing.TB, ttl time.Duration) *pub {
	t.Helper()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &pub{blocks: registrytest.NewBlocks(), signer: ipns.NewSigner(k)}
	p.signer.TTL = ttl
	if p.name, err = ipns.ParseRegistryName(k.Name()); err != nil {
		t.Fatal(err)
	}
	if p.reg, err = registry.New(registry.Config{Blocks: p.blocks, Index: registrytest.NewIndex(), Signer: p.signer}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.reg.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	return p
}

// publish publishes spec with a one-block raw content and returns the
// content's CID.
func (p *pub) publish(t testing.TB, spec, content string) cid.Cid {
	t.Helper()
	n, v, err := manifest.ParseExact(spec)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(content))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.blocks.Put(t.Context(), c, []byte(content)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.reg.Publish(t.Context(), registry.Publication{Service: n, Version: v, Content: c, Size: uint64(len(content)), Profile: "unixfs-v1-2025"}); err != nil {
		t.Fatal(err)
	}
	return c
}

func (p *pub) head(t testing.TB) registry.Head {
	t.Helper()
	h, err := p.reg.Head(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// gw is a trustless gateway on loopback serving a publisher's registry.
// Its record can be pinned to an old one (record) to play a lagging or
// lying upstream.
type gw struct {
	*httptest.Server
	p      *pub
	record atomic.Pointer[[]byte] // nil: the publisher's current record
	hits   atomic.Int64
}

func newGW(t testing.TB, p *pub) *gw {
	t.Helper()
	g := &gw{p: p}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

func (g *gw) serve(w http.ResponseWriter, r *http.Request) {
	g.hits.Add(1)
	ctx := r.Context()
	switch {
	case r.URL.Path == "/ipns/"+g.p.name.String() && r.URL.Query().Get("format") == "ipns-record":
		h, _ := g.p.reg.Head(ctx)
		raw := h.Record
		if pr := g.record.Load(); pr != nil {
			raw = *pr
		}
		w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
		w.Write(raw)
	case strings.HasPrefix(r.URL.Path, "/ipfs/"):
		c, err := cid.Decode(strings.TrimPrefix(r.URL.Path, "/ipfs/"))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if ok, _ := g.p.blocks.Has(ctx, c); !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("format") == "car" {
			var buf bytes.Buffer
			cw, _ := car.NewWriter(&buf, []cid.Cid{c}, g.p.blocks)
			if err := cw.DAG(ctx, c, nil); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			cw.Close()
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1; order=dfs; dups=n")
			w.Write(buf.Bytes())
			return
		}
		b, _ := g.p.blocks.Get(ctx, c)
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write(b)
	default:
		http.NotFound(w, r)
	}
}

// home is a follower's home: a real bbolt index and an in-memory store.
type home struct {
	blocks *registrytest.Blocks
	index  *bolt.Transient
}

func newHome(t testing.TB) *home {
	return &home{blocks: registrytest.NewBlocks(), index: bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil)}
}

func (h *home) follower(t testing.TB, p *pub, own bool, gws ...string) *follow.Follower {
	t.Helper()
	f, err := follow.New(follow.Config{Name: p.name, Own: own, Blocks: h.blocks, Index: h.index, Gateways: gws, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
