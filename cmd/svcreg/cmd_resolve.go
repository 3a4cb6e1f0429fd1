package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
)

func newResolveCommand() *cli.Command {
	return &cli.Command{
		Name:      "resolve",
		Usage:     "print the CID that NAME[@RANGE|@TAG] resolves to",
		ArgsUsage: "NAME[@RANGE|@TAG]",
		Description: `Without a range, picks the highest stable, non-yanked version. Ranges are
npm-style; prereleases match only when the range names them; yanked versions
resolve only when named exactly, with a warning on stderr ("yanked": true
with --json). NAME@latest is the same as NAME. Answers are cached per
manifest root.

Examples:
   svcreg resolve tts
   svcreg resolve 'tts@^1.0'
   svcreg resolve 'tts@>=1.0 <2' --json
   svcreg resolve tts@beta
   svcreg resolve tts --registry k51… --gateway https://gw.example   # someone else's registry`,
		Flags:  withCommon(readFlags()...),
		Action: runResolve,
	}
}

type resolveOut struct {
	Service string `json:"service"`
	Version string `json:"version"`
	CID     string `json:"cid"`
	yankOut
}

func runResolve(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	res, err := h.reg.Resolve(c.Context, spec)
	if err != nil {
		return err
	}
	if res.Damaged != nil {
		warnf(c, "index: %v; resolved from the manifest instead", res.Damaged)
	}
	if res.Yanked {
		warnYanked(c, res.Service, res.Version, res.YankReason)
	}
	out := resolveOut{Service: res.Service, Version: res.Version, CID: res.CID.String(), yankOut: yankOut{res.Yanked, res.YankReason}}
	return emit(c, out, func(w io.Writer) { fmt.Fprintln(w, res.CID) })
}

// warnYanked tells that a command is using a yanked version, which only a
// spec naming it exactly resolves to, as npm warns about a deprecated one.
func warnYanked(c *cli.Context, service, version, reason string) {
	if reason == "" {
		warnf(c, "%s@%s is yanked", service, version)
		return
	}
	warnf(c, "%s@%s is yanked: %s", service, version, reason)
}
