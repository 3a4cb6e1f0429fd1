package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// normalizeArgs lets flags stand anywhere, as the docs write them
// (`svcreg get tts@1 -o out`, `svcreg --json resolve tts`): urfave/cli v2
// stops parsing flags at the first argument. It rewrites the command line
// to `svcreg CMD [SUB] FLAGS -- ARGS`. Flags the command does not define
// are left for urfave/cli to reject with its usual message.
func normalizeArgs(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	l := splitLine(app, args[1:])
	if l.cmd == nil || len(l.cmd.Subcommands) > 0 {
		return args // help, unknown command, or a command group: leave as typed
	}
	out := append([]string{args[0]}, l.path...)
	out = append(out, l.flags...)
	if len(l.args) > 0 {
		out = append(append(out, "--"), l.args...)
	}
	return out
}

// commandLine is a command line (without the program name) split the way
// svcreg reads it.
type commandLine struct {
	cmd      *cli.Command // the (sub)command named; nil for none
	path     []string     // its names as typed: "remote", "add"
	flags    []string     // the flags, each followed by its value if it takes one
	args     []string     // the positional arguments, with all that follows "--"
	dashdash bool         // "--" was given
	pending  bool         // the last word is a flag still waiting for its value
}

// splitLine splits words into the command path, flags and arguments:
// command names count until the first argument; a flag of the command
// found so far that takes a value takes the next word.
func splitLine(app *cli.App, words []string) commandLine {
	var l commandLine
	cmds := app.Commands
	for i := 0; i < len(words); i++ {
		a := words[i]
		switch {
		case a == "--":
			l.args = append(l.args, words[i+1:]...)
			l.dashdash = true
			return l
		case strings.HasPrefix(a, "-") && a != "-":
			l.flags = append(l.flags, a)
			if takesValue(l.cmd, a) && !strings.Contains(a, "=") {
				if i+1 == len(words) {
					l.pending = true
				} else {
					i++
					l.flags = append(l.flags, words[i])
				}
			}
		case len(l.args) == 0 && findCommand(cmds, a) != nil:
			l.cmd = findCommand(cmds, a)
			l.path = append(l.path, a)
			cmds = l.cmd.Subcommands
		default:
			l.args = append(l.args, a)
		}
	}
	return l
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the flag token names a flag of cmd that
// takes a value (not a boolean).
func takesValue(cmd *cli.Command, tok string) bool {
	flags := commonFlags()
	if cmd != nil {
		flags = cmd.Flags
	}
	name := strings.TrimLeft(tok, "-")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*cli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
