package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
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

func runResolve(c *cli.Context) error {
	spec, h, err := openSpec(c)
	if err != nil {
		return err
	}
	defer h.Close()
	res, err := h.Registry.Resolve(c.Context, spec)
	if err != nil {
		return err
	}
	if res.Damaged != nil {
		warnf(c, "index: %v; resolved from the manifest instead", res.Damaged)
	}
	warnYanked(c, res)
	return emit(c, res, func(w io.Writer) { fmt.Fprintln(w, res.CID) })
}

// warnYanked tells that a command is using a yanked version, which only a
// spec naming it exactly resolves to, as npm warns about a deprecated one.
func warnYanked(c *cli.Context, res registry.Resolution) {
	switch {
	case !res.Yanked:
	case res.YankReason == "":
		warnf(c, "%s@%s is yanked", res.Service, res.Version)
	default:
		warnf(c, "%s@%s is yanked: %s", res.Service, res.Version, res.YankReason)
	}
}
