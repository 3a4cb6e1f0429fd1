// Package buildinfo describes the running binary: its version, the main
// module, the VCS revision it was built from and the toolchain, read from
// an -ldflags version and runtime/debug's build information.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Module is the main module's path, when the build did not record one.
const Module = "github.com/svcreg/svcreg"

// Info describes a binary: where its version came from and the toolchain
// that built it.
type Info struct {
	Version  string `json:"version"`  // the tag, devel+REVISION[-dirty], or devel
	Module   string `json:"module"`   // the main module's path
	Revision string `json:"revision"` // the VCS revision, when the build recorded it
	Modified bool   `json:"modified"` // the work tree had uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// Text describes the binary as `svcreg version` prints it: the version,
// the module, the revision when known (marked when modified) and the
// toolchain. Each line ends in a newline.
func (v Info) Text() string {
	s := fmt.Sprintf("svcreg %s\n  module:   %s\n", v.Version, v.Module)
	if v.Revision != "" {
		modified := ""
		if v.Modified {
			modified = " (modified)"
		}
		s += fmt.Sprintf("  revision: %s%s\n", v.Revision, modified)
	}
	return s + fmt.Sprintf("  go:       %s %s\n", v.Go, v.Platform)
}

// Read describes the running binary. Its version is, in this order of
// preference: ldflags (the -ldflags -X version, "" for none); the module
// version of a `go install …@VERSION` build; the VCS revision (with
// "-dirty" for a modified work tree) of a build from a checkout; else
// "devel", as in a build with -buildvcs=false.
func Read(ldflags string) Info {
	bi, _ := debug.ReadBuildInfo()
	return From(ldflags, bi)
}

// From is Read on the build information bi, which may be nil.
func From(ldflags string, bi *debug.BuildInfo) Info {
	v := Info{Version: ldflags, Module: Module, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
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
	}
	if v.Version == "" && v.Revision != "" {
		v.Version = "devel+" + v.Revision[:min(12, len(v.Revision))]
		if v.Modified {
			v.Version += "-dirty"
		}
	}
	if v.Version == "" {
		v.Version = "devel"
	}
	return v
}
