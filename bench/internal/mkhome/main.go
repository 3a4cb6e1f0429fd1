// Command mkhome fills an initialised svcreg home with many releases, so
// benchmarks can measure commands against large registries without
// publishing them one by one.
//
// Each -shape SxV adds S services of V versions each (1.0.0, 1.1.0, …).
// Services are named service-0000000, service-0000001, … numbered on
// across the shapes, so
//
//	svcreg init --home DIR
//	go run ./bench/internal/mkhome -home DIR -shape 1x100000,900x1000
//
// makes service-0000000 with 100,000 versions and 900 services of 1,000:
// 1,000,000 releases. They are published in manifest changes of at most
// -chunk releases each, with the block store's fsyncs off. One change of
// a million releases holds every new block in memory (4 GiB) and took
// twice as long as changes of 50,000 (about 2 minutes for 1,000,000
// services of one version on 2 CPUs); 25,000 to 250,000 were close.
// mkhome prints the releases published, the final seq and root, and the
// time.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// shape is S services of V versions each.
type shape struct{ services, versions int }

// shapes is the -shape flag: repeatable, each value a comma-separated list.
type shapes []shape

func (s *shapes) String() string {
	var parts []string
	for _, sh := range *s {
		parts = append(parts, fmt.Sprintf("%dx%d", sh.services, sh.versions))
	}
	return strings.Join(parts, ",")
}

func (s *shapes) Set(v string) error {
	for part := range strings.SplitSeq(v, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "x")
		services, err1 := strconv.Atoi(a)
		versions, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || services < 1 || versions < 1 {
			return fmt.Errorf("shape %q: want SERVICESxVERSIONS, e.g. 1000x10", part)
		}
		*s = append(*s, shape{services, versions})
	}
	return nil
}

func main() {
	var sh shapes
	home := flag.String("home", "", "an initialised svcreg home")
	flag.Var(&sh, "shape", "SxV: S services of V versions each; repeatable, comma-separated")
	chunk := flag.Int("chunk", 50000, "releases per manifest change")
	flag.Parse()
	if *home == "" || len(sh) == 0 || *chunk < 1 {
		flag.Usage()
		log.Fatal("need -home and at least one -shape")
	}
	if err := fill(context.Background(), *home, sh, *chunk); err != nil {
		log.Fatal(err)
	}
}

func fill(ctx context.Context, home string, sh shapes, chunk int) error {
	start := time.Now()
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
	reg, err := registry.New(registry.Config{Blocks: bs, Index: cache, Signer: ipns.NewSigner(key)})
	if err != nil {
		return err
	}
	// One raw block stands for every release's content.
	data := []byte("bench content")
	c, _ := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
	if err := bs.Put(ctx, c, data); err != nil {
		return err
	}

	var (
		h     registry.Head
		total int
		ps    = make([]registry.Publication, 0, chunk)
	)
	publish := func() error {
		if len(ps) == 0 {
			return nil
		}
		var err error
		if h, _, err = reg.PublishAll(ctx, ps); err != nil {
			return err
		}
		total += len(ps)
		ps = ps[:0]
		return nil
	}
	n := 0 // the next service's number
	for _, s := range sh {
		for range s.services {
			name := manifest.Name(fmt.Sprintf("service-%07d", n))
			n++
			for v := range s.versions {
				ps = append(ps, registry.Publication{
					Service: name,
					Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", v)),
					Content: c, Size: uint64(len(data)), Profile: "unixfs-v1-2025",
				})
				if len(ps) == chunk {
					if err := publish(); err != nil {
						return err
					}
				}
			}
		}
	}
	if err := publish(); err != nil {
		return err
	}
	fmt.Printf("%d releases (%s), seq %d, root %s, %s\n", total, &sh, h.Seq, h.Root, time.Since(start).Round(time.Millisecond))
	return nil
}
