package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newInstallCommand() *cli.Command {
	return &cli.Command{
		Name:  "install",
		Usage: "write exactly the locked releases into services/NAME/, verified",
		Description: `Installs every service in svcreg.lock as it is locked, never resolving
anything: first the lock is checked as 'svcreg check' does (it must match
svcreg.json and the registry's signed manifest; a yanked version is only a
warning), then every release is exported from SVCREG_HOME, each block
checked against its CID, into a staging directory, and only when all are
complete is each moved to DIR/NAME, replacing what was there. A failure
leaves DIR as it was. Other entries of DIR are left alone. DIR defaults to
services/ next to svcreg.json.

Examples:
   svcreg install
   svcreg install -o public/services --offline`,
		Flags: lockFlags(append([]cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"},
			Usage: "directory to install into, one DIR/NAME per service (default: services/ next to svcreg.json)"}},
			limitFlags()...)...),
		Action: runInstall,
	}
}

type installOut struct {
	Service string `json:"service"`
	Version string `json:"version"`
	CID     string `json:"cid"`
	Path    string `json:"path"`
}

func runInstall(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	lim, err := exportLimits(c)
	if err != nil {
		return err
	}
	p, paths, err := loadProject(c)
	if err != nil {
		return err
	}
	l, _, err := readLock(paths.lock)
	if errors.Is(err, fs.ErrNotExist) {
		return &cliError{err: fmt.Errorf("install: %s does not exist", paths.lock), code: exitLockMissing, hint: checkHint(exitLockMissing, paths, nil)}
	} else if err != nil {
		return lockErr(err, paths)
	}
	h, notes, err := openProjectRegistry(c, p, paths.registry)
	if err != nil {
		return err
	}
	defer h.Close()
	rep, err := h.reg.Check(c.Context, p, l, registry.CheckOptions{})
	if err != nil {
		return err
	}
	findings := append(notes, rep.Findings...)
	if code := checkExit(findings); code != exitOK {
		return findingsErr(c, paths, "install: "+paths.lock, findings, code)
	}
	for _, f := range findings {
		warn(c, []string{f.Message})
	}
	dir := c.String("output")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(paths.project), "services")
	}
	trees, sizes := map[string]cid.Cid{}, map[string]uint64{}
	out := []installOut{}
	for _, n := range slices.Sorted(maps.Keys(l.Services)) {
		e := l.Services[n]
		trees[string(n)], sizes[string(n)] = e.CID, e.Size
		out = append(out, installOut{Service: string(n), Version: e.Version.String(), CID: e.CID.String(), Path: filepath.Join(dir, string(n))})
	}
	for _, o := range out {
		if err := lim.CheckSize(sizes[o.Service]); err != nil {
			return withHint(fmt.Errorf("install %s: %w", o.Service, err), limitHint+"; "+dir+" was not changed")
		}
	}
	for _, o := range out {
		if err := h.makeLocal(c, trees[o.Service]); err != nil {
			return &cliError{err: err, code: exitContent, hint: checkHint(exitContent, paths, nil) + "; " + dir + " was not changed"}
		}
	}
	m := newMeter(c, "installing", "files")
	var total uint64
	for _, e := range l.Services {
		total += e.Size
	}
	m.SetTotal(0, int64(total))
	err = unixfs.ExportAllSizedProgress(c.Context, h.blocks.Blockstore(), dir, trees, sizes, lim, m.Update())
	m.Finish()
	if err != nil {
		switch {
		case isAny(err, unixfs.ErrUnsafeSymlink, unixfs.ErrUnsafeName):
			return &cliError{err: err, code: exitContent, hint: unsafeContentHint + "; lock another version meanwhile; " + dir + " was not changed"}
		case errors.Is(err, registry.ErrBlockNotFound) || errors.Is(err, registry.ErrCorruptBlock) || errors.Is(err, unixfs.ErrSizeMismatch):
			return &cliError{err: err, code: exitContent, hint: checkHint(exitContent, paths, nil) + "; " + dir + " was not changed"}
		case errors.Is(err, unixfs.ErrTooLarge):
			return withHint(err, limitHint+"; "+dir+" was not changed")
		case errors.Is(err, unixfs.ErrSymlinkOutput):
			return &cliError{err: err, code: exitInput, hint: "name the directory the symlink points to with -o, or remove the symlink; nothing was changed"}
		case errors.Is(err, fs.ErrExist):
			return &cliError{err: err, code: exitInput, hint: "svcreg replaces only directories it can own; " + dir + " was not changed"}
		}
		return err
	}
	return emit(c, out, func(w io.Writer) {
		for _, o := range out {
			fmt.Fprintf(w, "%s@%s %s -> %s\n", o.Service, o.Version, o.CID, quoteName(o.Path))
		}
	})
}
