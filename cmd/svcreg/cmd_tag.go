package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func newTagCommand() *cli.Command {
	return &cli.Command{
		Name:      "tag",
		ArgsUsage: "NAME@VERSION TAG",
		Flags:     withCommon(append(append(signFlags(), publishKeyFlag(), passphraseFileFlag()), proposeFlags()...)...),
		Action:    withArgs(2, 2, "NAME@VERSION TAG", runTag),
	}
}

type changeOut struct {
	Service string `json:"service"`
	Version string `json:"version"`
	Changed bool   `json:"changed"`
	Root    string `json:"root"`
	Seq     uint64 `json:"seq"`
}

func runTag(c *cli.Context) error {
	name, v, err := manifest.ParseExact(c.Args().Get(0))
	if err != nil {
		return err
	}
	tag := c.Args().Get(1)
	if err := manifest.ValidateTag(tag); err != nil {
		return err
	}
	if prop, err := proposing(c); err != nil {
		return err
	} else if prop {
		pr, err := propose(c, func(p *registry.Proposer) (*registry.Change, error) { return p.Tag(c.Context, name, v, tag) })
		if err != nil {
			return tagErr(err, name, v)
		}
		return reportProposal(c, pr, fmt.Sprintf("%s %s@%s", tag, name, v))
	}
	h, err := openHome(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	head, changed, err := h.Registry.Tag(c.Context, name, v, tag)
	if err != nil {
		return tagErr(err, name, v)
	}
	out := changeOut{Service: string(name), Version: v.String(), Changed: changed, Root: head.Root.String(), Seq: head.Seq}
	return emit(c, out, func(w io.Writer) { fmt.Fprintf(w, "%s %s@%s\n", tag, name, v) })
}

// tagErr gives tag's errors their hints.
func tagErr(err error, name manifest.Name, v manifest.Version) error {
	switch {
	case errors.Is(err, manifest.ErrYanked):
		return withHint(err, fmt.Sprintf("restore it first with 'svcreg yank %s@%s --undo', or tag another version", name, v))
	}
	return err
}
