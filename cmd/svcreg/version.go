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
		Usage: "print svcreg's version, module, VCS revision and Go version",
		Description: `The version is the module version for a binary built by
'go install github.com/svcreg/svcreg/cmd/svcreg@VERSION', the VCS revision
(devel+REVISION, "-dirty" when the work tree was modified) for one built in a
checkout, and "devel" when the build recorded neither (-buildvcs=false).
'svcreg --version' prints the version alone.

Examples:
   svcreg version
   svcreg version --json
   svcreg --version`,
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
