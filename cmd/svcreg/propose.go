package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// proposeFlags are --propose and -o of publish, tag and yank.
func proposeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "propose", Usage: "build the change without making it, for the publish keys to sign ('svcreg sign', 'svcreg submit'); needs -o"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "with --propose: the change `FILE` to write"},
	}
}

// proposing reports whether the command proposes its change; -o without
// --propose, or --propose without -o, is a usage error.
func proposing(c *cli.Context) (bool, error) {
	switch p, o := c.Bool("propose"), c.String("output"); {
	case p && o == "":
		return false, usageErr(fmt.Errorf("%s: --propose needs -o FILE", commandPath(c)), "write the change to a file: --propose -o change.car")
	case !p && o != "":
		return false, usageErr(fmt.Errorf("%s: -o goes with --propose", commandPath(c)), "add --propose to write the change to FILE instead of making it")
	default:
		return p, nil
	}
}

// propose builds the change build makes in the home's own registry and
// writes it to -o (svchome.Home.Propose), signed with --key when given.
func propose(c *cli.Context, build func(*registry.Proposer) (*registry.Change, error)) (*svchome.Proposed, error) {
	var keys []registry.PublishKey
	pk, err := loadPublishKey(c)
	if err != nil {
		return nil, err
	}
	if pk != nil {
		keys = append(keys, pk)
	}
	h, err := openHome(c, false)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	pr, err := h.Propose(c.Context, c.String("output"), keys,
		func(_ context.Context, p *registry.Proposer) (*registry.Change, error) { return build(p) })
	return pr, proposalErr(err)
}

// reportProposal prints what propose wrote: line on stdout (the command's
// usual line), the change on stderr; with --json the change.
func reportProposal(c *cli.Context, pr *svchome.Proposed, line string) error {
	if pr == nil {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: nothing would change; no change file written\n")
		return emit(c, struct{}{}, func(io.Writer) {})
	}
	return emit(c, pr.Summary, func(w io.Writer) {
		fmt.Fprintln(w, line)
		showChange(c, pr.Summary)
		fmt.Fprintf(c.App.ErrWriter, "svcreg: proposed; written to %s: each publish key holder runs 'svcreg sign %s --key PUBLISH.key', then 'svcreg submit %s' here\n",
			quoteName(c.String("output")), quoteName(c.String("output")), quoteName(c.String("output")))
	})
}

// showChange says on stderr what a change does and who signed it.
func showChange(c *cli.Context, s *registry.ChangeSummary) {
	for _, line := range s.Lines() {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: %s\n", line)
	}
}

// proposalErr gives a change file that is not one a hint of its own.
func proposalErr(err error) error {
	if errors.Is(err, car.ErrInvalidCAR) {
		return withHint(err, "sign and submit take a change file written by 'svcreg publish|tag|yank … --propose -o FILE'")
	}
	return err
}

// proposePublish imports d and proposes recording it (publish --propose).
func proposePublish(c *cli.Context, dir string, o *svchome.Options, d svchome.PublishDir) (*svchome.Published, *svchome.Proposed, error) {
	h, err := svchome.Open(dir, o)
	if err != nil {
		return nil, nil, err
	}
	defer h.Close()
	p, pr, err := h.ProposePublish(c.Context, d, c.String("output"))
	return p, pr, proposalErr(err)
}
