package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	svchome "github.com/svcreg/svcreg/registry/home"
)

func newSubmitCommand() *cli.Command {
	return &cli.Command{
		Name:      "submit",
		ArgsUsage: "FILE",
		Flags:     withCommon(append(signFlags(), limitFlags()...)...),
		Action:    withArgs(1, 1, "FILE", runSubmit),
	}
}

func runSubmit(c *cli.Context) error {
	lim, err := exportLimits(c)
	if err != nil {
		return err
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	head, sum, err := h.Submit(c.Context, c.Args().First(),
		svchome.SubmitOptions{Lifetime: c.Duration("lifetime"), TTL: c.Duration("ttl"), Limits: lim})
	if errors.Is(err, svchome.ErrReadOnly) {
		return writableHome(h.Dir(), true)
	} else if err != nil {
		return proposalErr(err)
	}
	return emit(c, sum, func(w io.Writer) {
		fmt.Fprintf(w, "seq %d %s\n", head.Seq, head.Root)
		showChange(c, sum)
	})
}
