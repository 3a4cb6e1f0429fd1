//go:build unix

// Command importbench imports a directory with the unixfs package, hash
// only, and prints the root CID, like `ipfs add -r -Q -n`, for
// bench/import.sh and bench/speed.sh.
//
//	importbench [-profile unixfs-v1-2025] [-hidden] [-mem] DIR
//	importbench -floor FILE
//
// By default it calls unixfs.Hash (blocks are hashed and dropped); -mem
// imports into an in-memory blockstore instead. -floor measures the
// limit of any hash-only import instead: it maps FILE into memory and
// hashes each 1 MiB chunk with SHA-256 where it lies, one worker per
// core, and prints the number of chunks. The time of
// that process is what a hash-only import cannot go below.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"

	"github.com/svcreg/svcreg/registry/unixfs"
)

func main() {
	profile := flag.String("profile", unixfs.ProfileV1, "unixfs profile")
	hidden := flag.Bool("hidden", false, "include dotfiles")
	mem := flag.Bool("mem", false, "keep blocks in memory instead of discarding them")
	floor := flag.Bool("floor", false, "only read and hash FILE in 1 MiB chunks on every core")
	flag.Parse()
	if *floor && flag.NArg() == 1 {
		n, err := hashFloor(flag.Arg(0), 1<<20)
		if err != nil {
			fmt.Fprintln(os.Stderr, "importbench:", err)
			os.Exit(1)
		}
		fmt.Println(n)
		return
	}
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: importbench [-profile P] [-hidden] [-mem] DIR | -floor FILE")
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

// hashFloor hashes each chunk of the file at path with SHA-256 where it
// lies, mapped into memory, one worker per core taking the next chunk,
// and returns the number of chunks. Mapped, no byte is copied: reading
// into buffers costs more (pread's copy), so this is the lower floor.
func hashFloor(path string, chunk int) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return 0, err
	}
	defer syscall.Munmap(data)
	var next, chunks atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				off := (next.Add(1) - 1) * int64(chunk)
				if off >= int64(len(data)) {
					return
				}
				sha256.Sum256(data[off:min(off+int64(chunk), int64(len(data)))])
				chunks.Add(1)
			}
		})
	}
	wg.Wait()
	return chunks.Load(), nil
}
