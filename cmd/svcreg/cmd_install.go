package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	meter "github.com/svcreg/svcreg/internal/progress"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newInstallCommand() *cli.Command {
	return &cli.Command{
		Name: "install",
		Flags: lockFlags(append([]cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"},
			Usage: "directory to install into, one DIR/NAME per service (default: services/ next to svcreg.json)"}},
			limitFlags()...)...),
		Action: withArgs(0, 0, "no arguments", runInstall),
	}
}

func runInstall(c *cli.Context) error {
	lim, err := exportLimits(c)
	if err != nil {
		return err
	}
	p, paths, err := loadProject(c)
	if err != nil {
		return err
	}
	lf, err := project.ReadLock(paths.lock)
	if errors.Is(err, fs.ErrNotExist) {
		return &cliError{err: fmt.Errorf("install: %s does not exist", paths.lock), code: exitLockMissing, hint: checkHint(exitLockMissing, paths, nil)}
	} else if err != nil {
		return lockErr(err, paths)
	}
	l := lf.Lock
	h, notes, err := openProjectRegistry(c, p, paths.registry, l)
	if err != nil {
		return err
	}
	defer h.Close()
	rep, err := h.Registry.Check(c.Context, p, l, registry.CheckOptions{})
	if err != nil {
		return err
	}
	findings := append(notes, rep.Findings...)
	if code := checkExit(findings); code != exitOK {
		return findingsErr(c, paths, "install: "+paths.lock, findings, code)
	}
	warnFindings(c, findings)
	dir := c.String("output")
	if dir == "" {
		dir = paths.proj.ServicesDir()
	}
	var m *meter.Meter
	out, err := project.Install(c.Context, h.Blocks().Blockstore(), l, dir, project.InstallOptions{Limits: lim,
		Local: func(_ context.Context, root cid.Cid) error { return h.makeLocal(c, root) },
		Progress: func(total uint64) unixfs.ExportProgress {
			m = newMeter(c, "installing", "files")
			m.SetTotal(0, int64(total))
			return m.Update()
		}})
	m.Finish()
	var le *project.LocalError
	if err != nil {
		switch {
		case errors.As(err, &le) || isAny(err, registry.ErrBlockNotFound, registry.ErrCorruptBlock, unixfs.ErrSizeMismatch):
			return &cliError{err: err, code: exitContent, hint: checkHint(exitContent, paths, nil) + "; " + dir + " was not changed"}
		case isAny(err, unixfs.ErrUnsafeSymlink, unixfs.ErrUnsafeName):
			return &cliError{err: err, code: exitContent, hint: unsafeContentHint + "; lock another version meanwhile; " + dir + " was not changed"}
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
