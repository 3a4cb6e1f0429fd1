package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/unixfs"
)

// excludeFlag is --exclude of publish and verify.
func excludeFlag() cli.Flag {
	return &cli.StringSliceFlag{Name: "exclude", Usage: "leave out paths matching this gitignore-style `PATTERN` (repeatable; after the rules of DIR/" + unixfs.IgnoreFile + ")"}
}

// importOptions are the import options of publish and verify: the
// profile and hidden flag, --exclude, the home in use (never published),
// and the entries left out collected into skipped.
func importOptions(c *cli.Context, home, profile string, hidden bool, skipped *[]unixfs.Skipped) unixfs.Options {
	return unixfs.Options{Profile: profile, Hidden: hidden, Exclude: c.StringSlice("exclude"), Homes: []string{home},
		Skipped: func(s unixfs.Skipped) { *skipped = append(*skipped, s) }}
}

// skippedOut is one entry left out, in --json output.
type skippedOut struct {
	Path   string `json:"path"`
	Reason string `json:"reason"` // hidden, ignored, excluded
	Rule   string `json:"rule"`   // the pattern, "" for hidden
	Line   int    `json:"line"`   // its line in .svcregignore, 0 otherwise
}

func skippedJSON(skipped []unixfs.Skipped) []skippedOut {
	out := []skippedOut{}
	for _, s := range skipped {
		out = append(out, skippedOut{Path: skippedPath(s), Reason: s.Reason, Rule: s.Rule, Line: s.Line})
	}
	return out
}

func skippedPath(s unixfs.Skipped) string {
	if s.Dir {
		return s.Path + "/"
	}
	return s.Path
}

// whySkipped says in words why s was left out.
func whySkipped(s unixfs.Skipped) string {
	switch s.Reason {
	case unixfs.SkipHidden:
		return "dotfile; --hidden includes it"
	case unixfs.SkipIgnored:
		return fmt.Sprintf("%s line %d: %s", unixfs.IgnoreFile, s.Line, s.Rule)
	default:
		return "--exclude " + s.Rule
	}
}

// reportSkipped says on stderr how many entries were left out and why;
// with list (publish --verbose, --dry-run), one line per entry first.
func reportSkipped(c *cli.Context, skipped []unixfs.Skipped, list bool) {
	if len(skipped) == 0 {
		return
	}
	counts := map[string]int{}
	for _, s := range skipped {
		if list {
			fmt.Fprintf(c.App.ErrWriter, "svcreg: left out %s (%s)\n", quoteName(skippedPath(s)), escapeControls(whySkipped(s)))
		}
		counts[s.Reason]++
	}
	var parts []string
	for _, r := range []struct{ reason, what string }{
		{unixfs.SkipHidden, "dotfile(s) (--hidden includes them)"},
		{unixfs.SkipIgnored, "ignored by " + unixfs.IgnoreFile},
		{unixfs.SkipExcluded, "excluded by --exclude"},
	} {
		if n := counts[r.reason]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, r.what))
		}
	}
	more := ""
	if !list {
		more = "; --verbose lists them"
	}
	fmt.Fprintf(c.App.ErrWriter, "svcreg: left out %s%s\n", strings.Join(parts, ", "), more)
}
