package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

func newInfoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Flags:     withCommon(readFlags()...),
		Action:    runInfo,
	}
}

func runInfo(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	info, err := h.Registry.Info(c.Context, spec)
	if err != nil {
		return err
	}
	return emit(c, info, func(w io.Writer) { fmt.Fprint(w, info.Text()) })
}
