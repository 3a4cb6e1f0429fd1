package main

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
)

func newInfoCommand() *cli.Command {
	return &cli.Command{
		Name:      "info",
		Usage:     "show one release: CID, size, profile, publish time, manifest root, gateway path",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Description: `"path" is where any IPFS gateway serves the release's files, e.g.
http://127.0.0.1:8080/ipns/k51…/services/tts/versions/1.0.0/content/

Examples:
   svcreg info tts@1.0.0
   svcreg info tts --json`,
		Flags:  withCommon(readFlags()...),
		Action: runInfo,
	}
}

type infoOut struct {
	Service   string `json:"service"`
	Version   string `json:"version"`
	CID       string `json:"cid"`
	Size      uint64 `json:"size"`
	Profile   string `json:"profile"`
	Hidden    bool   `json:"hidden"`
	Published string `json:"published"`
	yankOut
	Registry string `json:"registry"`
	Root     string `json:"root"`
	Seq      uint64 `json:"seq"`
	Path     string `json:"path"`
}

func runInfo(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	info, err := h.reg.Info(c.Context, spec)
	if err != nil {
		return err
	}
	out := infoJSON(h.reg.Name(), info)
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s@%s\n", out.Service, out.Version)
		fmt.Fprintf(w, "  cid:       %s\n  size:      %d bytes\n  profile:   %s\n", out.CID, out.Size, out.Profile)
		fmt.Fprintf(w, "  published: %s\n", out.Published)
		if out.Yanked {
			fmt.Fprintf(w, "  yanked:    %s\n", out.YankReason)
		}
		fmt.Fprintf(w, "  manifest:  %s (seq %d)\n  path:      %s\n", out.Root, out.Seq, out.Path)
	})
}

func infoJSON(registryName string, info registry.ReleaseInfo) infoOut {
	r := info.Release
	out := infoOut{
		Service: string(info.Service), Version: info.Version.String(), CID: r.Content.String(), Size: r.Size,
		Profile: r.Profile, Hidden: r.Hidden, Published: r.Published.UTC().Format(time.RFC3339),
		yankOut: yankOf(r), Registry: registryName, Root: info.Root.String(), Seq: info.Seq, Path: info.Path,
	}
	return out
}
