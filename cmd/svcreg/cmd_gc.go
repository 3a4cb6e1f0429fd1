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
		Name:  "gc",
		Usage: "remove blocks no head reaches and files left by killed writers",
		Description: `Removes the blocks that no registry head in the index reaches — own and
followed, every state of the history unless --keep-history N, every
release's content — and temporary files that writers killed mid-write left
behind (blocks/**/.put-*, heads/*/.put-*), and the IPNS records of names
not followed that svcreg serve keeps (records/) once past their end of life.

gc is safe while publishers, fetches and a server run. Only blocks and
files last written more than --grace ago are removed; a publish writes or
touches every block it links before it moves the head, so none of them is
that old. Whatever --grace (0s included), nothing is removed that was
written since the start of a publish, tag, yank or other change of the
home's own registry still in progress (each marks itself in
blocks/.writers/ while it runs). Before removing anything gc takes the index lock, which a head
needs to move, and walks any head that moved since it looked; a block a
publish touches after gc removed it is written again.

--keep-history N keeps only the newest N states of each registry (and what
they reach). --drop-unfollowed keeps only the home's own registry and the
remotes in config.json: what only registries read once with --registry
K51… --gateway URL, or removed with 'svcreg remote rm', reach is removed
(read again, it is fetched again). --dry-run prints what would be
removed and removes nothing.

Examples:
   svcreg gc --dry-run
   svcreg gc
   svcreg gc --keep-history 10 --grace 24h`,
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
