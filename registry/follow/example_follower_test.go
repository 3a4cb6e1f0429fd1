package follow_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// A Follower keeps a local copy of a registry served by a trustless
// gateway (here a minimal one on loopback: signed records and raw
// blocks), and resolves from it: every block and record it takes is
// verified, so the gateway need not be trusted.
func ExampleFollower() {
	ctx := context.Background()

	// The publisher: a registry with one release.
	key, _ := ipns.GenerateKey(rand.Reader)
	name, _ := ipns.ParseRegistryName(key.Name())
	published := registrytest.NewBlocks()
	pub, _ := registry.New(registry.Config{Blocks: published, Index: registrytest.NewIndex(), Signer: ipns.NewSigner(key)})
	pub.Init(ctx)
	content, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte("hello"))
	published.Put(ctx, content, []byte("hello"))
	svc, v, _ := manifest.ParseExact("say@1.0.0")
	pub.Publish(ctx, registry.Publication{Service: svc, Version: v, Content: content, Size: 5, Profile: "unixfs-v1-2025"})

	// Its trustless gateway.
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ipns/"+name.String() && r.URL.Query().Get("format") == "ipns-record" {
			head, _ := pub.Head(r.Context())
			w.Header().Set("Content-Type", "application/vnd.ipfs.ipns-record")
			w.Write(head.Record)
			return
		}
		c, err := cid.Decode(strings.TrimPrefix(r.URL.Path, "/ipfs/"))
		data, gerr := published.Get(r.Context(), c)
		if err != nil || gerr != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.ipld.raw")
		w.Write(data)
	}))
	defer gw.Close()

	// The follower: its own block store and index.
	dir, _ := os.MkdirTemp("", "follow")
	defer os.RemoveAll(dir)
	f, err := follow.New(follow.Config{Name: name, Blocks: registrytest.NewBlocks(),
		Index: bolt.NewTransient(filepath.Join(dir, "index.db"), nil), Gateways: []string{gw.URL}})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := f.Sync(ctx, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	spec, _ := manifest.ParseSpec("say@^1")
	res, err := f.Registry().Resolve(ctx, spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("seq", s.Head.Seq)
	fmt.Println(res.Service, res.Version, res.CID)
	// Output:
	// seq 2
	// say 1.0.0 bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq
}
