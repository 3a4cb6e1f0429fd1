// Command importbench imports a directory with the unixfs package, hash
// only, and prints the root CID, like `ipfs add -r -Q -n`. It exists for
// bench/import.sh until svcreg's CLI can do the same.
//
//	importbench [-profile unixfs-v1-2025] [-hidden] [-mem] DIR
//
// By default it calls unixfs.Hash (blocks are hashed and dropped); -mem
// imports into an in-memory blockstore instead.
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
	opts := unixfs.Options{Profile: *profile, Hidden: *hidden}
	var res unixfs.Result
	var err error
	if *mem {
		bs := blockstore.NewBlockstore(dssync.MutexWrap(datastore.NewMapDatastore()))
		res, err = unixfs.Import(context.Background(), bs, flag.Arg(0), opts)
	} else {
		res, err = unixfs.Hash(context.Background(), flag.Arg(0), opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "importbench:", err)
		os.Exit(1)
	}
	fmt.Println(res.Root)
}
