package gateway_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Example serves a registry with one release, say@1.0.0, and reads a
// file of it by its /svc/ address: the release that the range ^1
// resolves to now.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "gateway-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A home: a block store, an index and the registry's key.
	blocks, err := flatfs.Open(filepath.Join(dir, "blocks"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer blocks.Close()
	indexPath := filepath.Join(dir, "index.db")
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		log.Fatal(err)
	}

	// Publish say@1.0.0, a directory with one file. The index is closed
	// again before the gateway starts: it opens the index only around
	// each read.
	site := filepath.Join(dir, "site")
	if err := os.MkdirAll(site, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(site, "hello.txt"), []byte("hello from say 1.0.0\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	content, err := unixfs.Import(ctx, blocks.Blockstore(), site, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		log.Fatal(err)
	}
	index, err := bolt.Open(indexPath, nil)
	if err != nil {
		log.Fatal(err)
	}
	reg, err := registry.New(registry.Config{Blocks: blocks, Index: index, Signer: ipns.NewSigner(key)})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		log.Fatal(err)
	}
	pub := registry.Publication{Service: "say", Version: manifest.MustParseVersion("1.0.0"), Content: content.Root, Profile: unixfs.ProfileV1}
	if _, _, err := reg.Publish(ctx, pub); err != nil {
		log.Fatal(err)
	}
	if err := index.Close(); err != nil {
		log.Fatal(err)
	}

	// Serve the home, with /svc/ resolving in the key's registry.
	srv, err := gateway.New(gateway.Config{Blocks: blocks, IndexPath: indexPath, Registry: key.RegistryName()})
	if err != nil {
		log.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/svc/say@%5E1/hello.txt")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Status)
	fmt.Print(string(body))
	// Output:
	// 200 OK
	// hello from say 1.0.0
}
