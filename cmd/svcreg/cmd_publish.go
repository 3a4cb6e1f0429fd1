package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newPublishCommand() *cli.Command {
	return &cli.Command{
		Name:      "publish",
		ArgsUsage: "NAME@VERSION [DIR]",
		Flags: withCommon(append(append(append(signFlags(), publishKeyFlag(), passphraseFileFlag(),
			&cli.StringFlag{Name: "profile", Value: unixfs.ProfileV1, Usage: "UnixFS import profile: unixfs-v1-2025 or unixfs-v0-2015"},
			&cli.BoolFlag{Name: "hidden", Usage: "include dotfiles, as 'ipfs add --hidden'"},
			&cli.BoolFlag{Name: "dry-run", Usage: "hash only: print the CID, what would change and what is left out; store and sign nothing"},
			excludeFlag(),
			&cli.BoolFlag{Name: "verbose", Usage: "list every path left out and why"},
		), limitFlags()...), proposeFlags()...)...),
		Action: withArgs(1, 2, "NAME@VERSION [DIR]", runPublish),
	}
}

func runPublish(c *cli.Context) error {
	name, v, err := manifest.ParseExact(c.Args().Get(0))
	if err != nil {
		return err
	}
	profile, err := unixfs.ParseProfile(c.String("profile"))
	if err != nil {
		return err
	}
	d := svchome.PublishDir{Service: name, Version: v, Dir: c.Args().Get(1), DryRun: c.Bool("dry-run"),
		Import:   unixfs.Options{Profile: profile, Hidden: c.Bool("hidden"), Exclude: c.StringSlice("exclude")},
		Lifetime: c.Duration("lifetime"), TTL: c.Duration("ttl")}
	if d.Dir == "" {
		d.Dir = "."
	}
	if d.Limits, err = exportLimits(c); err != nil {
		return err
	}
	prop, err := proposing(c)
	if err != nil {
		return err
	} else if prop && d.DryRun {
		return usageErr(fmt.Errorf("publish: --propose and --dry-run do not go together"), "--dry-run changes nothing; --propose writes the change to a file")
	}
	if !d.DryRun {
		pk, err := loadPublishKey(c)
		if err != nil {
			return err
		}
		if pk != nil {
			d.PublishKeys = []registry.PublishKey{pk}
		}
	}
	dir, o, err := homeArgs(c)
	if err != nil {
		return err
	}
	verb := "publishing"
	if d.DryRun {
		verb = "hashing"
	}
	m, update := importMeter(c, verb, d.Dir, d.Import.Hidden)
	d.Import.Progress = update
	var p *svchome.Published
	var pr *svchome.Proposed
	if prop {
		p, pr, err = proposePublish(c, dir, o, d)
	} else {
		p, err = svchome.PublishIn(c.Context, dir, o, d)
	}
	m.Finish()
	if errors.Is(err, svchome.ErrReadOnly) {
		return writableHome(dir, true)
	} else if err != nil {
		return importErr(err)
	}
	if prop {
		reportSkipped(c, p.Skipped, c.Bool("verbose"))
		return reportProposal(c, pr, fmt.Sprintf("%s@%s %s", name, v, p.Content))
	}
	return emit(c, p, func(w io.Writer) {
		fmt.Fprintf(w, "%s@%s %s\n", name, v, p.Content)
		reportSkipped(c, p.Skipped, c.Bool("verbose") || p.DryRun)
		switch {
		case p.DryRun:
			fmt.Fprintf(c.App.ErrWriter, "svcreg: dry run: %s; nothing was stored or signed\n", dryRunNote(dir, p))
		case !p.Changed:
			fmt.Fprintf(c.App.ErrWriter, "svcreg: %s@%s was already published with this content; nothing changed\n", name, v)
		}
	})
}

// dryRunNote says what publishing p would change.
func dryRunNote(dir string, p *svchome.Published) string {
	switch {
	case p.NoKey:
		return fmt.Sprintf("%s has no registry ('svcreg init' makes one)", dir)
	case p.Head.Name == "":
		return fmt.Sprintf("%s has no registry state yet ('svcreg init' makes one)", dir)
	case !p.Changed:
		return fmt.Sprintf("%s@%s is already published with this content; nothing would change", p.Service, p.Version)
	}
	return fmt.Sprintf("publish would record %s@%s -> %s (%d bytes, %s) as state %d", p.Service, p.Version, p.Content, p.Size, p.Profile, p.Seq())
}

// importErr gives an import error its exit code: a symlink that svcreg
// get and install would refuse to write is the input's fault (exit 6).
func importErr(err error) error {
	if errors.Is(err, unixfs.ErrUnsafeSymlink) {
		return &cliError{err: err, code: exitInput,
			hint: "make the link relative and pointing inside the directory, or remove it (or make it a copy of what it points to): svcreg get and install would refuse to write it"}
	}
	return err
}

// excludeFlag is --exclude of publish and verify.
func excludeFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "exclude", Usage: "leave out paths matching this gitignore-style `PATTERN` (repeatable; after the rules of DIR/" + unixfs.IgnoreFile + ")"}
}

// reportSkipped says on stderr how many entries were left out and why;
// with list (publish --verbose, --dry-run), one line per entry first.
func reportSkipped(c *cli.Context, skipped []unixfs.Skipped, list bool) {
	if len(skipped) == 0 {
		return
	}
	counts := map[string]int{}
	for _, s := range skipped {
		why := "--exclude " + s.Rule
		if s.Reason == unixfs.SkipHidden {
			why = "dotfile; --hidden includes it"
		} else if s.Reason == unixfs.SkipIgnored {
			why = fmt.Sprintf("%s line %d: %s", unixfs.IgnoreFile, s.Line, s.Rule)
		}
		if list {
			fmt.Fprintf(c.App.ErrWriter, "svcreg: left out %s (%s)\n", quoteName(s.Entry()), escapeControls(why))
		}
		counts[s.Reason]++
	}
	var parts []string
	for _, r := range [][2]string{
		{unixfs.SkipHidden, "dotfile(s) (--hidden includes them)"},
		{unixfs.SkipIgnored, "ignored by " + unixfs.IgnoreFile},
		{unixfs.SkipExcluded, "excluded by --exclude"},
	} {
		if n := counts[r[0]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, r[1]))
		}
	}
	more := "; --verbose lists them"
	if list {
		more = ""
	}
	fmt.Fprintf(c.App.ErrWriter, "svcreg: left out %s%s\n", strings.Join(parts, ", "), more)
}
