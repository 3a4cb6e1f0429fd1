package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

func newInitCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "create a registry: an ed25519 key and an empty signed manifest",
		Description: `Prints the registry's IPNS name (k51…), which clients use to find it.
Running init again on an existing registry prints its name and changes nothing.

Examples:
   SVCREG_HOME=/tmp/reg svcreg init
   svcreg init --home ./reg --json`,
		Flags:  withCommon(signFlags()...),
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := ensureKey(filepath.Join(h.dir, keyFile)); err != nil {
		return err
	}
	if err := h.open(c, true); err != nil {
		return err
	}
	head, err := h.reg.Init(c.Context)
	if errors.Is(err, registry.ErrExists) {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: registry already initialized in %s\n", h.dir)
	} else if err != nil {
		return err
	}
	return emit(c, headJSON(head), func(w io.Writer) { fmt.Fprintln(w, head.Name) })
}

// ensureKey creates a new key at path unless one exists.
func ensureKey(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	return k.Save(path)
}

type headOut struct {
	Name string `json:"name"`
	Root string `json:"root"`
	Seq  uint64 `json:"seq"`
}

func headJSON(h registry.Head) headOut {
	return headOut{Name: h.Name, Root: h.Root.String(), Seq: h.Seq}
}
