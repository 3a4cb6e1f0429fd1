package buildinfo_test

import (
	"runtime/debug"
	"testing"

	"github.com/svcreg/svcreg/internal/buildinfo"
)

func TestFrom(t *testing.T) {
	checkout := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/svcreg/svcreg", Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	for _, tc := range []struct {
		name    string
		ldflags string
		bi      *debug.BuildInfo
		want    string
	}{
		{"go install at a tag", "", &debug.BuildInfo{Main: debug.Module{Path: "github.com/svcreg/svcreg", Version: "v1.2.3"}}, "v1.2.3"},
		{"checkout", "", checkout("0123456789abcdef0123", "false"), "devel+0123456789ab"},
		{"dirty checkout", "", checkout("0123456789abcdef0123", "true"), "devel+0123456789ab-dirty"},
		{"-buildvcs=false", "", &debug.BuildInfo{Main: debug.Module{Path: "github.com/svcreg/svcreg", Version: "(devel)"}}, "devel"},
		{"no build info", "", nil, "devel"},
		{"-ldflags wins", "v9.9.9", checkout("0123456789abcdef0123", "true"), "v9.9.9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := buildinfo.From(tc.ldflags, tc.bi)
			if v.Version != tc.want {
				t.Fatalf("version %q, want %q", v.Version, tc.want)
			}
			if v.Module != "github.com/svcreg/svcreg" || v.Go == "" {
				t.Fatalf("module %q go %q", v.Module, v.Go)
			}
		})
	}
}

func TestText(t *testing.T) {
	v := buildinfo.Info{Version: "v1.2.3", Module: "example.com/m", Go: "go1.25.0", Platform: "linux/amd64"}
	if got, want := v.Text(), "svcreg v1.2.3\n  module:   example.com/m\n  go:       go1.25.0 linux/amd64\n"; got != want {
		t.Errorf("Text: %q, want %q", got, want)
	}
	v.Revision, v.Modified = "abc123", true
	if got, want := v.Text(), "svcreg v1.2.3\n  module:   example.com/m\n  revision: abc123 (modified)\n  go:       go1.25.0 linux/amd64\n"; got != want {
		t.Errorf("Text: %q, want %q", got, want)
	}
}
