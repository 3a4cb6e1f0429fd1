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
		Usage:     "make a proposed change that carries its publish signatures",
		ArgsUsage: "FILE",
		Description: `Run in the registry's home (the one with its IPNS key). FILE is a change
written by --propose and signed with 'svcreg sign'. submit checks every block,
that the change follows the registry's current head (else exit 4: the
registry changed since; propose again), that it links the registry's root
and carries the root's publish threshold of signatures (else exit 19),
stores its blocks, checks the releases it adds as publish does
(--max-size, --max-files), then signs the record and moves the head as
publish does. Prints "seq N ROOT"; stderr says what changed.

Examples:
   svcreg submit change.car
   svcreg submit change.car --json`,
		Flags:  withCommon(append(signFlags(), limitFlags()...)...),
		Action: withArgs(1, 1, "FILE", runSubmit),
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
