package main

import (
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func newUpdateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		ArgsUsage: "[NAME…]",
		Flags:     lockFlags(),
		Action:    runUpdate,
	}
}

func runUpdate(c *cli.Context) error {
	opts := registry.LockOptions{UpdateAll: c.NArg() == 0}
	for _, a := range c.Args().Slice() {
		n, err := manifest.ParseName(a)
		if err != nil {
			return err
		}
		opts.Update = append(opts.Update, n)
	}
	return runLock(c, opts)
}
