// Command mkfixtures writes the unixfs golden fixture trees, or benchmark
// inputs, so that shell scripts and Go tests hash the same bytes.
//
//	mkfixtures -list            print "case tree hidden" for every golden case
//	mkfixtures DIR              build every golden tree as DIR/<tree>
//	mkfixtures -bigfile N DIR   write DIR/big.bin of N MiB of pseudo-random bytes
//	mkfixtures -many N DIR      write N files of 100 B–8 KiB under DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

func main() {
	list := flag.Bool("list", false, "print the golden cases and exit")
	big := flag.Int64("bigfile", 0, "write one file of this many MiB instead")
	many := flag.Int("many", 0, "write this many small files instead")
	flag.Parse()
	if err := run(*list, *big, *many, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkfixtures:", err)
		os.Exit(1)
	}
}

func run(list bool, big int64, many int, args []string) error {
	if list {
		for _, c := range fixtures.Cases() {
			fmt.Printf("%s %s %t\n", c.Name, c.Tree, c.Hidden)
		}
		return nil
	}
	if len(args) != 1 {
		return fmt.Errorf("want one directory argument, got %d", len(args))
	}
	switch {
	case big > 0:
		return fixtures.BigFile(args[0], big*fixtures.MiB)
	case many > 0:
		return fixtures.ManyFiles(args[0], many)
	}
	if err := os.MkdirAll(args[0], 0o755); err != nil {
		return err
	}
	return fixtures.BuildAll(args[0])
}
