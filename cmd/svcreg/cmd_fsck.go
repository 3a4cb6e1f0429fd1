package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/flatfs"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/remote"
)

func newFsckCommand() *cli.Command {
	return &cli.Command{
		Name: "fsck",
		Flags: withCommon(
			&cli.BoolFlag{Name: "repair", Usage: "rebuild the index and fetch or quarantine bad blocks"},
			&cli.StringSliceFlag{Name: "gateway", Usage: "a trustless gateway to fetch missing blocks from (repeatable)"},
			&cli.DurationFlag{Name: "timeout", Value: remote.DefaultTimeout, Usage: "how long a gateway request may take"},
		),
		Action: withArgs(0, 0, "no arguments", runFsck),
	}
}

func runFsck(c *cli.Context) error {
	// fsck reports corrupt blocks and moves them itself (--repair).
	h, err := openBlocksWith(c, flatfs.Options{KeepCorrupt: true})
	if err != nil {
		return err
	}
	defer h.Close()
	rep, err := h.Fsck(c.Context, svchome.FsckOptions{Repair: c.Bool("repair"), Gateways: c.StringSlice("gateway"),
		Remote: &remote.Options{Timeout: c.Duration("timeout"), UserAgent: "svcreg/" + versionString()}})
	if err != nil {
		return err
	}
	if err := emit(c, rep, func(w io.Writer) { fmt.Fprint(w, rep.Text()) }); err != nil {
		return err
	}
	if err := rep.Err(); err != nil {
		return fmt.Errorf("fsck: %w", err)
	}
	return nil
}
