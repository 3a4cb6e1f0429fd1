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
			return emit(c, v, func(w io.Writer) {
				fmt.Fprintf(w, "svcreg %s\n  module:   %s\n", v.Version, v.Module)
				if v.Revision != "" {
					modified := ""
					if v.Modified {
						modified = " (modified)"
					}
					fmt.Fprintf(w, "  revision: %s%s\n", v.Revision, modified)
				}
				fmt.Fprintf(w, "  go:       %s %s\n", v.Go, v.Platform)
			})
		}),
	}
}
