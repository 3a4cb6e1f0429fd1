package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"
)

func newInfoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Flags:     withCommon(readFlags()...),
		Action:    runInfo,
	}
}

func runInfo(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	info, err := h.Registry.Info(c.Context, spec)
	if err != nil {
		return err
	}
	return emit(c, info, func(w io.Writer) {
		r := info.Release
		fmt.Fprintf(w, "%s@%s\n", info.Service, info.Version)
		fmt.Fprintf(w, "  cid:       %s\n  size:      %d bytes\n  profile:   %s\n", r.Content, r.Size, r.Profile)
		fmt.Fprintf(w, "  published: %s\n", r.Published.UTC().Format(time.RFC3339))
		if r.Yank != nil {
			fmt.Fprintf(w, "  yanked:    %s\n", r.Yank.Reason)
		}
		fmt.Fprintf(w, "  manifest:  %s (seq %d)\n  path:      %s\n", info.Root, info.Seq, info.Path)
	})
}
