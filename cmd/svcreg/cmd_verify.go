package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/project"
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
		Action: withArgs(2, 2, "DIR NAME@VERSION", runVerify),
	}
}

func runVerify(c *cli.Context) error {
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
	info, err := h.Registry.Info(c.Context, spec)
	if err != nil {
		return err
	}
	out, err := project.Verify(c.Context, info, dir, unixfs.Options{Exclude: c.StringSlice("exclude"), Homes: []string{h.Dir()}},
		func(_ context.Context, root cid.Cid) (blockstore.Blockstore, error) {
			return h.Blocks().Blockstore(), h.makeLocal(c, root)
		})
	if err != nil {
		return err
	}
	if err := emit(c, out, func(w io.Writer) { printVerify(w, out) }); err != nil {
		return err
	}
	if out.Identical() {
		return nil
	}
	release := manifest.ExactSpec(out.Service, out.Version)
	return &cliError{err: fmt.Errorf("%s does not rebuild %s: %s, not %s", dir, release, out.Got, out.Want),
		code: exitVerifyDiffers, hint: "build from the release's sources with the same tools, then compare again; 'svcreg get " + release.String() + "' writes the release's files"}
}

func printVerify(w io.Writer, out *project.Verification) {
	release := manifest.ExactSpec(out.Service, out.Version)
	if out.Identical() {
		fmt.Fprintf(w, "%s %s: %s rebuilds it exactly (%s, hidden %t)\n", release, out.Want, quoteName(out.Dir), out.Profile, out.Hidden)
		return
	}
	fmt.Fprintf(w, "%s is %s; %s rebuilds to %s (%s, hidden %t)\n", release, out.Want, quoteName(out.Dir), out.Got, out.Profile, out.Hidden)
	for _, ch := range out.Changes {
		switch ch.Kind {
		case unixfs.Modified:
			fmt.Fprintf(w, "modified %s (%s -> %s)\n", quoteName(ch.Path), ch.Old, ch.New)
		default:
			fmt.Fprintf(w, "%-8s %s\n", ch.Kind, quoteName(ch.Path))
		}
	}
	if out.DiffError != nil {
		fmt.Fprintf(w, "cannot list the differences: %s\n", escapeControls(out.DiffError.Error()))
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
	h, notes, err := openProjectRegistry(c, p, paths.registry, nil)
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		warn(c, []string{n.Message})
	}
	return h, nil
}
