package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func newYankCommand() *cli.Command {
	return &cli.Command{
		Name:      "yank",
		ArgsUsage: "NAME@VERSION",
		Flags: withCommon(append(append(signFlags(), publishKeyFlag(), passphraseFileFlag(),
			&cli.StringFlag{Name: "reason", Usage: "why the version is yanked"},
			&cli.BoolFlag{Name: "undo", Usage: "restore a yanked version"},
		), proposeFlags()...)...),
		Action: withArgs(1, 1, "NAME@VERSION", runYank),
	}
}

func runYank(c *cli.Context) error {
	name, v, err := manifest.ParseExact(c.Args().First())
	if err != nil {
		return err
	}
	if c.Bool("undo") && c.IsSet("reason") {
		return usageErr(fmt.Errorf("yank: --reason and --undo do not go together"), "svcreg yank NAME@VERSION --undo restores a version")
	}
	verb := "yanked"
	if c.Bool("undo") {
		verb = "restored"
	}
	if prop, err := proposing(c); err != nil {
		return err
	} else if prop {
		pr, err := propose(c, func(p *registry.Proposer) (*registry.Change, error) {
			return p.Yank(c.Context, name, v, c.String("reason"), c.Bool("undo"))
		})
		if err != nil {
			return err
		}
		return reportProposal(c, pr, fmt.Sprintf("%s %s@%s", verb, name, v))
	}
	h, err := openHome(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	head, changed, err := h.Registry.Yank(c.Context, name, v, c.String("reason"), c.Bool("undo"))
	if err != nil {
		return err
	}
	out := changeOut{Service: string(name), Version: v.String(), Changed: changed, Root: head.Root.String(), Seq: head.Seq}
	if !changed {
		state := "already yanked"
		if c.Bool("undo") {
			state = "not yanked"
		}
		fmt.Fprintf(c.App.ErrWriter, "svcreg: %s@%s is %s; nothing changed\n", name, v, state)
	}
	return emit(c, out, func(w io.Writer) { fmt.Fprintf(w, "%s %s@%s\n", verb, name, v) })
}
