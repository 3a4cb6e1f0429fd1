package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
)

func newLogCommand() *cli.Command {
	return &cli.Command{
		Name: "log",
		Flags: withCommon(append(readFlags(),
			&cli.IntFlag{Name: "n", Usage: "show at most N states (0: all)"},
			&cli.BoolFlag{Name: "local-only", Usage: "show the states this home keeps, without failing on older ones it no longer has"})...),
		Action: withArgs(0, 0, "no arguments", runLog),
	}
}

func runLog(c *cli.Context) error {
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	entries, err := h.Registry.Log(c.Context, c.Int("n"))
	var he *registry.HistoryError
	switch {
	case errors.As(err, &he) && c.Bool("local-only"):
		fmt.Fprintf(c.App.ErrWriter, "svcreg: note: %v\n", err)
	case errors.As(err, &he):
		return withHint(err, fmt.Sprintf("'svcreg log --local-only' lists the %d states kept here; the older ones come back with 'svcreg import' of a CAR from a home that has them", len(entries)))
	case err != nil:
		return err
	}
	return emit(c, entries, func(w io.Writer) {
		for _, e := range entries {
			fmt.Fprintln(w, e)
		}
	})
}
