package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newVerifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check that a directory rebuilds to exactly a release's CID (reproducible builds)",
		ArgsUsage: "DIR NAME@VERSION",
		Description: `Imports DIR in memory with the release's recorded profile and hidden flag,
as 'svcreg publish' would, and compares the CID with the release's. Nothing
is stored. Exit 0 when they are identical; otherwise exit 16 and a list of
the paths that differ (added, removed, modified), found by comparing the two
trees hash by hash; that needs the release's blocks in SVCREG_HOME.

DIR/.svcregignore applies as it does to publish; give the same --exclude
patterns the release was published with. A DIR that holds the home in use,
a svcreg home or key file is refused (exit 17), as publish refuses it.

The release is looked up in the registry svcreg.json names when there is
one (see --project), else in this home's own registry.

Examples:
   npm run build && svcreg verify ./dist web@2.3.1
   svcreg verify ./dist 'web@^2' --json`,
		Flags:  append(lockFlags(), excludeFlag()),
		Action: runVerify,
	}
}

type verifyChangeOut struct {
	Path   string `json:"path"`
	Change string `json:"change"` // added, removed, modified
	Old    string `json:"old"`
	New    string `json:"new"`
}

type verifyOut struct {
	Service   string            `json:"service"`
	Version   string            `json:"version"`
	Profile   string            `json:"profile"`
	Hidden    bool              `json:"hidden"`
	Dir       string            `json:"dir"`
	Want      string            `json:"want"`
	Got       string            `json:"got"`
	Identical bool              `json:"identical"`
	Changes   []verifyChangeOut `json:"changes"`
	DiffError string            `json:"diff_error"`
}

func runVerify(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "DIR NAME@VERSION"); err != nil {
		return err
	}
	dir := c.Args().Get(0)
	spec, err := manifest.ParseSpec(c.Args().Get(1))
	if err != nil {
		return err
	}
	h, err := openVerifyRegistry(c)
	if err != nil {
		return err
	}
	defer h.Close()
	info, err := h.reg.Info(c.Context, spec)
	if err != nil {
		return err
	}
	rel := info.Release
	mem := unixfs.NewMemoryBlockstore()
	var skipped []unixfs.Skipped
	res, err := unixfs.Import(c.Context, mem, dir, importOptions(c, h.dir, rel.Profile, rel.Hidden, &skipped))
	if err != nil {
		return err
	}
	out := verifyOut{Service: string(info.Service), Version: info.Version.String(), Profile: rel.Profile, Hidden: rel.Hidden,
		Dir: dir, Want: rel.Content.String(), Got: res.Root.String(), Identical: res.Root.Equals(rel.Content), Changes: []verifyChangeOut{}}
	if !out.Identical {
		err := h.makeLocal(c, rel.Content)
		var changes []unixfs.Change
		if err == nil {
			changes, err = unixfs.Diff(c.Context, h.blocks.Blockstore(), rel.Content, mem, res.Root)
		}
		if err != nil {
			out.DiffError = err.Error()
		}
		for _, ch := range changes {
			out.Changes = append(out.Changes, verifyChangeOut{Path: ch.Path, Change: string(ch.Kind), Old: cidString(ch.Old), New: cidString(ch.New)})
		}
	}
	if err := emit(c, out, func(w io.Writer) { printVerify(w, out) }); err != nil {
		return err
	}
	if out.Identical {
		return nil
	}
	return &cliError{err: fmt.Errorf("%s does not rebuild %s@%s: %s, not %s", dir, out.Service, out.Version, out.Got, out.Want),
		code: exitVerifyDiffers, hint: "build from the release's sources with the same tools, then compare again; 'svcreg get " + out.Service + "@" + out.Version + "' writes the release's files"}
}

func printVerify(w io.Writer, out verifyOut) {
	if out.Identical {
		fmt.Fprintf(w, "%s@%s %s: %s rebuilds it exactly (%s, hidden %t)\n", out.Service, out.Version, out.Want, quoteName(out.Dir), out.Profile, out.Hidden)
		return
	}
	fmt.Fprintf(w, "%s@%s is %s; %s rebuilds to %s (%s, hidden %t)\n", out.Service, out.Version, out.Want, quoteName(out.Dir), out.Got, out.Profile, out.Hidden)
	for _, ch := range out.Changes {
		switch ch.Change {
		case string(unixfs.Modified):
			fmt.Fprintf(w, "modified %s (%s -> %s)\n", quoteName(ch.Path), ch.Old, ch.New)
		default:
			fmt.Fprintf(w, "%-8s %s\n", ch.Change, quoteName(ch.Path))
		}
	}
	if out.DiffError != "" {
		fmt.Fprintf(w, "cannot list the differences: %s\n", escapeControls(out.DiffError))
	}
}

// openVerifyRegistry opens the registry of the project file when there is
// one, else this home's own registry.
func openVerifyRegistry(c *cli.Context) (*home, error) {
	if _, err := os.Stat(c.String("project")); errors.Is(err, fs.ErrNotExist) && !c.IsSet("project") {
		return openHome(c, false)
	}
	p, paths, err := loadProject(c)
	if err != nil {
		return nil, err
	}
	h, notes, err := openProjectRegistry(c, p, paths.registry)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		warn(c, []string{n.Message})
	}
	return h, nil
}

// cidString is c's string form, or "" when c is undefined.
func cidString(c cid.Cid) string {
	if !c.Defined() {
		return ""
	}
	return c.String()
}
