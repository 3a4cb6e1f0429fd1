package main

import (
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

func newUpdateCommand() *cli.Command {
	return &cli.Command{
		Name:      "update",
		Usage:     "re-resolve services in svcreg.json and rewrite svcreg.lock",
		ArgsUsage: "[NAME…]",
		Description: `Like 'svcreg lock', but resolves the named services again (all of them when
none is named) at the registry's newest state, even when their locked
version still satisfies svcreg.json: the way to pick up new releases, move a
tag's service to where the tag points now, or leave a yanked version. The
other entries are kept as 'svcreg lock' keeps them.

Examples:
   svcreg update
   svcreg update tts player`,
		Flags:  lockFlags(),
		Action: runUpdate,
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
