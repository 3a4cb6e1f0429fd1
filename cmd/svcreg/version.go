package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// buildVersion describes the binary: where its version came from and the
// toolchain that built it.
type buildVersion struct {
	Version  string `json:"version"`  // the tag, devel+REVISION[-dirty], or devel
	Module   string `json:"module"`   // the main module's path
	Revision string `json:"revision"` // the VCS revision, when the build recorded it
	Modified bool   `json:"modified"` // the work tree had uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// readVersion returns, in this order of preference: the -ldflags version;
// the module version of a `go install …@VERSION` build; the VCS revision
// (with "-dirty" for a modified work tree) of a build from a checkout;
// else "devel" — as in a build with -buildvcs=false.
func readVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(version, bi)
}

// versionFrom is readVersion on the -ldflags version ldflags and the build
// info bi, which may be nil.
func versionFrom(ldflags string, bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Version: ldflags, Module: "github.com/svcreg/svcreg", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return withDefault(v)
	}
	if bi.Main.Path != "" {
		v.Module = bi.Main.Path
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	if v.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	if v.Version == "" && v.Revision != "" {
		v.Version = "devel+" + v.Revision[:min(12, len(v.Revision))]
		if v.Modified {
			v.Version += "-dirty"
		}
	}
	return withDefault(v)
}

func withDefault(v buildVersion) buildVersion {
	if v.Version == "" {
		v.Version = "devel"
	}
	return v
}

// versionString is the version `svcreg --version` prints.
func versionString() string { return readVersion().Version }

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
		Action: func(c *cli.Context) error {
			if err := needArgs(c, 0, 0, "no arguments"); err != nil {
				return err
			}
			v := readVersion()
			return emit(c, v, func(w io.Writer) {
				fmt.Fprintf(w, "svcreg %s\n", v.Version)
				fmt.Fprintf(w, "  module:   %s\n", v.Module)
				if v.Revision != "" {
					fmt.Fprintf(w, "  revision: %s", v.Revision)
					if v.Modified {
						fmt.Fprint(w, " (modified)")
					}
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "  go:       %s %s\n", v.Go, v.Platform)
			})
		},
	}
}
