package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func newListCommand() *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Aliases:   []string{"list"},
		ArgsUsage: "[NAME]",
		Flags:     withCommon(readFlags()...),
		Action:    withArgs(0, 1, "[NAME]", runList),
	}
}

func runList(c *cli.Context) error {
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	if c.NArg() == 0 {
		names, err := h.Registry.Services(c.Context)
		if err != nil {
			return err
		}
		return emit(c, names, func(w io.Writer) {
			for _, n := range names {
				fmt.Fprintln(w, n)
			}
		})
	}
	name, err := manifest.ParseName(c.Args().First())
	if err != nil {
		return err
	}
	s, err := h.Registry.Service(c.Context, name)
	if err != nil {
		return err
	}
	out := registry.VersionList(s)
	return emit(c, out, func(w io.Writer) {
		for _, v := range out {
			fmt.Fprintln(w, v)
		}
	})
}
