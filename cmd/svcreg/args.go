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
	var path []string        // command and subcommand names
	var flags, rest []string // flags, positionals
	cmds := app.Commands
	var cmd *cli.Command
	for i := 1; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			flags = append(flags, a)
			if takesValue(cmd, a) && !strings.Contains(a, "=") && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		case len(rest) == 0 && findCommand(cmds, a) != nil:
			cmd = findCommand(cmds, a)
			path = append(path, a)
			cmds = cmd.Subcommands
		default:
			rest = append(rest, a)
		}
	}
	if cmd == nil || len(cmd.Subcommands) > 0 {
		return args // help, unknown command, or a command group: leave as typed
	}
	out := append([]string{args[0]}, path...)
	out = append(out, flags...)
	if len(rest) > 0 {
		out = append(append(out, "--"), rest...)
	}
	return out
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
