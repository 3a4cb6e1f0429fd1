package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/maint"
)

func newGCCommand() *cli.Command {
	return &cli.Command{
		Name: "gc",
		Flags: withCommon(
			&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "say what would be removed, remove nothing"},
			&cli.IntFlag{Name: "keep-history", Usage: "keep only the newest N states of each registry (0: all)"},
			&cli.DurationFlag{Name: "grace", Value: maint.DefaultGrace, Usage: "remove only what was last written longer ago than this"},
			&cli.BoolFlag{Name: "drop-unfollowed", Usage: "keep only the home's own registry and those in 'svcreg remote ls'"},
		),
		Action: withArgs(0, 0, "no arguments", runGC),
	}
}

func runGC(c *cli.Context) error {
	if c.Int("keep-history") < 0 || c.Duration("grace") < 0 {
		return usageErr(errors.New("gc: --keep-history and --grace must not be negative"), "svcreg gc [--keep-history N] [--grace 1h]")
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	out, err := h.GC(c.Context, svchome.GCOptions{DryRun: c.Bool("dry-run"), KeepHistory: c.Int("keep-history"),
		Grace: c.Duration("grace"), DropUnfollowed: c.Bool("drop-unfollowed")})
	if err != nil {
		return err
	}
	verb := "removed"
	if out.DryRun {
		verb = "would remove"
	}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s %d unreachable blocks (%d bytes) and %d temporary files (%d bytes); kept %d blocks",
			verb, out.Blocks, out.Bytes, out.Temps, out.TempBytes, out.Kept)
		if out.YoungBlocks > 0 {
			fmt.Fprintf(w, ", %d of them unreachable but younger than --grace", out.YoungBlocks)
		}
		if out.Records > 0 {
			fmt.Fprintf(w, "; %s %d expired records of names not followed", verb, out.Records)
		}
		fmt.Fprintln(w)
	})
}
