// Command mkhome fills an initialised svcreg home with services×versions
// releases in one manifest change, so benchmarks can measure commands
// against large registries without publishing them one by one.
//
//	svcreg init --home DIR && go run ./bench/internal/mkhome -home DIR -services 10000 -versions 10
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"path/filepath"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

func main() {
	home := flag.String("home", "", "an initialised svcreg home")
	services := flag.Int("services", 10000, "number of services")
	versions := flag.Int("versions", 10, "versions per service")
	flag.Parse()
	if err := fill(context.Background(), *home, *services, *versions); err != nil {
		log.Fatal(err)
	}
}

func fill(ctx context.Context, home string, services, versions int) error {
	key, err := ipns.LoadKey(filepath.Join(home, "key"))
	if err != nil {
		return err
	}
	bs, err := flatfs.Open(filepath.Join(home, "blocks"), &flatfs.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer bs.Close()
	cache, err := bolt.Open(filepath.Join(home, "index.db"), nil)
	if err != nil {
		return err
	}
	defer cache.Close()
	reg, err := registry.New(registry.Config{Blocks: bs, Cache: cache, Signer: ipns.NewSigner(key)})
	if err != nil {
		return err
	}
	data := []byte("bench content")
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
	if err := bs.Put(ctx, c, data); err != nil {
		return err
	}
	ps := make([]registry.Publication, 0, services*versions)
	for s := range services {
		for v := range versions {
			ps = append(ps, registry.Publication{
				Service: manifest.Name(fmt.Sprintf("service-%06d", s)),
				Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", v)),
				Content: c, Size: uint64(len(data)), Profile: "unixfs-v1-2025",
			})
		}
	}
	h, _, err := reg.PublishAll(ctx, ps)
	if err != nil {
		return err
	}
	fmt.Printf("%d releases, seq %d, root %s\n", len(ps), h.Seq, h.Root)
	return nil
}
