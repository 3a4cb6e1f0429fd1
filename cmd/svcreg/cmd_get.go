package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	meter "github.com/svcreg/svcreg/internal/progress"
	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newGetCommand() *cli.Command {
	return &cli.Command{
		Name:      "get",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Flags: withCommon(append(append(readFlags(), &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output directory (default: ./NAME)"}),
			limitFlags()...)...),
		Action: runGet,
	}
}

func runGet(c *cli.Context) error {
	if c.String("output") == "-" {
		return usageErr(errors.New("get: -o - would be standard output, but get writes a directory"),
			"name a directory that does not exist: -o DIR; 'svcreg export NAME@VERSION -o -' writes a release to standard output as a CAR")
	}
	lim, err := exportLimits(c)
	if err != nil {
		return err
	}
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	dst := c.String("output")
	if dst == "" {
		dst = string(spec.Name)
	}
	if _, err := os.Lstat(dst); err == nil {
		return &cliError{err: fmt.Errorf("get %s: %s already exists", spec, dst), code: exitConflict,
			hint: "svcreg get never overwrites: write elsewhere with -o DIR, or remove " + dst + " first"}
	}
	info, err := h.Registry.Info(c.Context, spec)
	if err != nil {
		return err
	}
	res := info.Resolution()
	warnYanked(c, res)
	if err := exportContent(c, h, res.CID, info.Release.Size, lim, dst); err != nil {
		return err
	}
	return emit(c, map[string]any{"service": res.Service, "version": res.Version.String(), "cid": res.CID.String(), "output": dst},
		func(w io.Writer) {
			fmt.Fprintf(w, "%s@%s %s -> %s\n", res.Service, res.Version, res.CID, quoteName(dst))
		})
}

// exportContent writes the release's content to dst (Session.Export),
// with progress on a terminal and the gateways that failed as warnings.
func exportContent(c *cli.Context, h *home, root cid.Cid, size uint64, lim unixfs.Limits, dst string) error {
	update, done := progress(c, "fetching")
	var m *meter.Meter // from when the content is local
	defer func() { m.Finish() }()
	return h.Export(c.Context, root, size, dst, svchome.ExportOptions{Limits: lim, Fetching: update,
		Writing: func(files int, bytes int64) { m.Set(files, bytes) },
		Fetched: func(res follow.Local) {
			done()
			warnProblems(c, res.Problems)
			m = newMeter(c, "writing", "files")
			m.SetTotal(0, int64(size))
		}})
}
