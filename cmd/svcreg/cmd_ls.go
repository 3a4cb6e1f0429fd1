package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
)

func newListCommand() *cli.Command {
	return &cli.Command{
		Name:      "ls",
		Aliases:   []string{"list"},
		Usage:     "list services, or one service's versions with CIDs, tags and yanked marks",
		ArgsUsage: "[NAME]",
		Description: `Examples:
   svcreg ls
   svcreg ls tts
   svcreg ls tts --json`,
		Flags:  withCommon(readFlags()...),
		Action: runList,
	}
}

type versionOut struct {
	Version string   `json:"version"`
	CID     string   `json:"cid"`
	Tags    []string `json:"tags"`
	yankOut
}

func runList(c *cli.Context) error {
	if err := needArgs(c, 0, 1, "[NAME]"); err != nil {
		return err
	}
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	if c.NArg() == 0 {
		names, err := h.reg.Services(c.Context)
		if err != nil {
			return err
		}
		if names == nil {
			names = []manifest.Name{}
		}
		return emit(c, names, func(w io.Writer) {
			for _, n := range names {
				fmt.Fprintln(w, n)
			}
		})
	}
	name, err := manifest.ParseName(c.Args().First())
	if err != nil {
		return err
	}
	s, err := h.reg.Service(c.Context, name)
	if err != nil {
		return err
	}
	out := versionsOf(s)
	return emit(c, out, func(w io.Writer) {
		for _, v := range out {
			line := v.Version + " " + v.CID
			if len(v.Tags) > 0 {
				line += " [" + strings.Join(v.Tags, ", ") + "]"
			}
			if v.Yanked {
				line += " (yanked: " + v.YankReason + ")"
			}
			fmt.Fprintln(w, line)
		}
	})
}

// versionsOf lists s's versions in ascending SemVer order.
func versionsOf(s *manifest.Service) []versionOut {
	tags := map[string][]string{}
	for t, v := range s.Tags {
		tags[v] = append(tags[v], t)
	}
	out := []versionOut{}
	for _, v := range s.Versions() {
		r := s.Releases[v.String()]
		ts := tags[v.String()]
		slices.Sort(ts)
		if ts == nil {
			ts = []string{}
		}
		out = append(out, versionOut{Version: v.String(), CID: r.Content.String(), Tags: ts, yankOut: yankOf(r)})
	}
	return out
}
