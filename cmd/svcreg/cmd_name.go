package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

func newNameCommand() *cli.Command {
	return &cli.Command{
		Name:  "name",
		Usage: "print the registry's IPNS name, head root CID and sequence",
		Description: `Examples:
   svcreg name
   svcreg name --json   # {"name": "k51…", "root": "<cid>", "seq": N}`,
		Flags:  withCommon(),
		Action: runName,
	}
}

func runName(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openHome(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.reg.Head(c.Context)
	if err != nil {
		return err
	}
	return emit(c, headJSON(head), func(w io.Writer) {
		fmt.Fprintf(w, "name: %s\nroot: %s\nseq:  %d\n", head.Name, head.Root, head.Seq)
	})
}
