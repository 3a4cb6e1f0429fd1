package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
)

func newTagCommand() *cli.Command {
	return &cli.Command{
		Name:      "tag",
		Usage:     "set or move a tag to NAME@VERSION",
		ArgsUsage: "NAME@VERSION TAG",
		Description: `Tags follow the name rules and must not read as a version range. The
"latest" tag also moves by itself when a higher stable version is published.

Examples:
   svcreg tag tts@1.1.0-beta.1 beta
   svcreg resolve tts@beta`,
		Flags:  withCommon(signFlags()...),
		Action: runTag,
	}
}

type changeOut struct {
	Service string `json:"service"`
	Version string `json:"version"`
	Changed bool   `json:"changed"`
	Root    string `json:"root"`
	Seq     uint64 `json:"seq"`
}

func runTag(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "NAME@VERSION TAG"); err != nil {
		return err
	}
	name, v, err := manifest.ParseExact(c.Args().Get(0))
	if err != nil {
		return err
	}
	tag := c.Args().Get(1)
	if err := manifest.ValidateTag(tag); err != nil {
		return err
	}
	h, err := openHome(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	head, changed, err := h.reg.Tag(c.Context, name, v, tag)
	if err != nil {
		return err
	}
	out := changeOut{Service: string(name), Version: v.String(), Changed: changed, Root: head.Root.String(), Seq: head.Seq}
	return emit(c, out, func(w io.Writer) { fmt.Fprintf(w, "%s %s@%s\n", tag, name, v) })
}
