package cliapp

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// Complete prints to w, one a line, the commands, subcommands or flags
// that the last of words (the word being typed, maybe empty) can become
// after the others (the command line after the program's name), each
// followed by a tab and its description. An empty answer (an argument,
// or a flag's value) leaves the shell to complete file names.
func Complete(app *cli.App, words []string, w io.Writer) {
	cur := ""
	if len(words) > 0 {
		cur, words = words[len(words)-1], words[:len(words)-1]
	}
	l := splitLine(app, words)
	if l.dashdash || l.pending && !isFlag(cur) || l.cmd == nil && len(l.args) > 0 {
		return // an argument, or a flag's value: the shell completes file names
	}
	cmd, cmds := l.cmd, app.Commands
	if cmd != nil {
		cmds = cmd.Subcommands
	}
	switch {
	case strings.HasPrefix(cur, "-"): // flags stand anywhere, after arguments too
		flags := appFlags(app)
		if cmd != nil {
			flags = append(slices.Clone(cmd.Flags), cli.HelpFlag)
		}
		for _, f := range flags {
			if name := "--" + f.Names()[0]; strings.HasPrefix(name, cur) {
				usage := ""
				if u, ok := f.(interface{ GetUsage() string }); ok {
					usage = u.GetUsage()
				}
				fmt.Fprintf(w, "%s\t%s\n", name, usage)
			}
		}
	case len(l.args) == 0 && (cmd == nil || len(cmd.Subcommands) > 0):
		for _, c := range cmds {
			if !c.Hidden && c.Name != "help" && strings.HasPrefix(c.Name, cur) {
				fmt.Fprintf(w, "%s\t%s\n", c.Name, c.Usage)
			}
		}
	}
}

// appFlags are the flags of the app itself, --help and --version among
// them, as urfave/cli adds them when it runs.
func appFlags(app *cli.App) []cli.Flag {
	flags := slices.Clone(app.Flags)
	for _, f := range []cli.Flag{cli.HelpFlag, cli.VersionFlag} {
		if !slices.ContainsFunc(flags, func(g cli.Flag) bool { return g.Names()[0] == f.Names()[0] }) {
			flags = append(flags, f)
		}
	}
	return flags
}
