// Command importbench imports a directory with the unixfs package, hash
// only, and prints the root CID, like `ipfs add -r -Q -n`. It exists for
// bench/import.sh until svcreg's CLI can do the same.
//
//	importbench [-profile unixfs-v1-2025] [-hidden] [-mem] DIR
//
// By default blocks are hashed and discarded; -mem keeps them in an
// in-memory blockstore instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"

	"github.com/svcreg/svcreg/registry/unixfs"
)

func main() {
	profile := flag.String("profile", unixfs.ProfileV1, "unixfs profile")
	hidden := flag.Bool("hidden", false, "include dotfiles")
	mem := flag.Bool("mem", false, "keep blocks in memory instead of discarding them")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: importbench [-profile P] [-hidden] [-mem] DIR")
		os.Exit(2)
	}
	ds := datastore.Batching(datastore.NewNullDatastore())
	if *mem {
		ds = dssync.MutexWrap(datastore.NewMapDatastore())
	}
	// Write-through skips the Has check before each Put, as kubo does for -n.
	bs := blockstore.NewBlockstore(ds, blockstore.WriteThrough(true))
	res, err := unixfs.Import(context.Background(), bs, flag.Arg(0), unixfs.Options{Profile: *profile, Hidden: *hidden})
	if err != nil {
		fmt.Fprintln(os.Stderr, "importbench:", err)
		os.Exit(1)
	}
	fmt.Println(res.Root)
}
