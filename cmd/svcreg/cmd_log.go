package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"
)

func newLogCommand() *cli.Command {
	return &cli.Command{
		Name:  "log",
		Usage: "show the manifest history, newest first",
		Description: `Each line: sequence, manifest root CID, time (UTC), what changed.

Examples:
   svcreg log
   svcreg log -n 5 --json`,
		Flags:  withCommon(append(readFlags(), &cli.IntFlag{Name: "n", Usage: "show at most N states (0: all)"})...),
		Action: runLog,
	}
}

type logOut struct {
	Seq    uint64 `json:"seq"`
	Root   string `json:"root"`
	Time   string `json:"time"`
	Change string `json:"change"`
}

func runLog(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	entries, err := h.reg.Log(c.Context, c.Int("n"))
	if err != nil {
		return err
	}
	out := make([]logOut, 0, len(entries))
	for _, e := range entries {
		out = append(out, logOut{Seq: e.Seq, Root: e.Root.String(), Time: e.Time.UTC().Format(time.RFC3339), Change: e.Change})
	}
	return emit(c, out, func(w io.Writer) {
		for _, e := range out {
			fmt.Fprintf(w, "%d %s %s %s\n", e.Seq, e.Root, e.Time, e.Change)
		}
	})
}
