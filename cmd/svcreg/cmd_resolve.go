package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
)

func newResolveCommand() *cli.Command {
	return &cli.Command{
		Name:      "resolve",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Flags:     withCommon(readFlags()...),
		Action:    runResolve,
	}
}

func runResolve(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	res, err := h.Registry.Resolve(c.Context, spec)
	if err != nil {
		return err
	}
	if res.Damaged != nil {
		warnf(c, "index: %v; resolved from the manifest instead", res.Damaged)
	}
	warnYanked(c, res)
	return emit(c, res, func(w io.Writer) { fmt.Fprintln(w, res.CID) })
}

// warnYanked tells that a command is using a yanked version, which only a
// spec naming it exactly resolves to, as npm warns about a deprecated one.
func warnYanked(c *cli.Context, res registry.Resolution) {
	switch {
	case !res.Yanked:
	case res.YankReason == "":
		warnf(c, "%s@%s is yanked", res.Service, res.Version)
	default:
		warnf(c, "%s@%s is yanked: %s", res.Service, res.Version, res.YankReason)
	}
}
