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
		ArgsUsage: "DIR NAME@VERSION",
		Flags:     append(lockFlags(), excludeFlag()),
		Action:    withArgs(2, 2, "DIR NAME@VERSION", runVerify),
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
	if err := emit(c, out, func(w io.Writer) { fmt.Fprint(w, out.Text()) }); err != nil {
		return err
	}
	if out.Identical() {
		return nil
	}
	release := manifest.ExactSpec(out.Service, out.Version)
	return &cliError{err: fmt.Errorf("%s does not rebuild %s: %s, not %s", dir, release, out.Got, out.Want),
		code: exitVerifyDiffers, hint: "build from the release's sources with the same tools, then compare again; 'svcreg get " + release.String() + "' writes the release's files"}
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
	warnFindings(c, notes)
	return h, nil
}
