package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/buildinfo"
)

// versionString is the version `svcreg --version` prints.
func versionString() string { return buildinfo.Read(version).Version }

func newVersionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Flags: withCommon(),
		Action: withArgs(0, 0, "no arguments", func(c *cli.Context) error {
			v := buildinfo.Read(version)
			return emit(c, v, func(w io.Writer) { fmt.Fprint(w, v.Text()) })
		}),
	}
}
