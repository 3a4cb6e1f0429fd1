package registry_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/registrytest"
)

// ExampleRegistry_Resolve publishes three releases of a service into an
// in-memory registry and resolves an npm range to the newest release that
// satisfies it.
func ExampleRegistry_Resolve() {
	ctx := context.Background()
	blocks := registrytest.NewBlocks()
	reg, err := registry.New(registry.Config{
		Blocks: blocks,
		Index:  registrytest.NewIndex(),
		Signer: registrytest.Signer{N: "k51example"},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		log.Fatal(err)
	}

	for _, v := range []string{"1.0.0", "1.2.0", "2.0.0"} {
		// A release's content is a UnixFS DAG; one raw block stands in for it.
		data := []byte("web " + v)
		c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
		if err != nil {
			log.Fatal(err)
		}
		if err := blocks.Put(ctx, c, data); err != nil {
			log.Fatal(err)
		}
		pub := registry.Publication{Service: "web", Version: manifest.MustParseVersion(v), Content: c, Size: uint64(len(data)), Profile: "unixfs-v1-2025"}
		if _, _, err := reg.Publish(ctx, pub); err != nil {
			log.Fatal(err)
		}
	}

	spec, err := manifest.ParseSpec("web@^1.0.0")
	if err != nil {
		log.Fatal(err)
	}
	res, err := reg.Resolve(ctx, spec)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Service, res.Version)
	// Output: web 1.2.0
}
