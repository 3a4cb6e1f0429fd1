package cliapp

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

// Normalize lets flags stand anywhere (`PROG get tts@1 -o out`,
// `PROG --json resolve tts`): urfave/cli v2 stops parsing flags at the
// first argument. It rewrites the command line args (the program's name
// first) to `PROG CMD [SUB] FLAGS -- ARGS`. Flags the command does not
// define are left for urfave/cli to reject with its usual message. A
// command line with --help (or -h) anywhere before "--" becomes the help
// of its command (helpLine). A flag that takes a value but is followed by
// nothing, or by a word starting with "-" (other than "-", stdout or
// stdin), is a usage error: such a value is written --flag=-x.
func Normalize(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 {
		return args, nil
	}
	l := splitLine(app, args[1:])
	if l.help {
		return helpLine(args[0], l), nil
	}
	if l.noValue != "" {
		return nil, l.noValueErr(app.Name)
	}
	if l.cmd == nil || len(l.cmd.Subcommands) > 0 {
		return args, nil // unknown command, or a command group: leave as typed
	}
	out := append([]string{args[0]}, l.path...)
	out = append(out, l.flags...)
	if len(l.args) > 0 {
		out = append(append(out, "--"), l.args...)
	}
	return out, nil
}

// CommandOf returns the command path ("publish", "remote add") that the
// command line args (the program's name first) names, or "".
func CommandOf(app *cli.App, args []string) string {
	if len(args) < 2 {
		return ""
	}
	return splitLine(app, args[1:]).name()
}

// helpLine is the command line that shows the help l asks for:
// `PROG [CMD [SUB]] --help`, whatever else l holds. Arguments after a
// command group (or none) that name no command become
// `PROG help PATH… ARG…`, which says the command is unknown.
func helpLine(prog string, l commandLine) []string {
	if len(l.args) > 0 && (l.cmd == nil || len(l.cmd.Subcommands) > 0) {
		return append(append([]string{prog, "help"}, l.path...), l.args...)
	}
	return append(append([]string{prog}, l.path...), "--help")
}

// noValueErr is the usage error for l's value flag without a value.
func (l commandLine) noValueErr(prog string) error {
	msg, hint := l.noValue+" needs a value", HintFor(prog, l.name())
	if l.noValueNext != "" {
		msg += fmt.Sprintf("; %q is not taken as one", l.noValueNext)
		hint = fmt.Sprintf("a value that starts with '-' is written %s=VALUE", l.noValue)
	}
	if p := l.name(); p != "" {
		msg = p + ": " + msg
	}
	return usageErr(errors.New(msg), hint)
}

// commandLine is a command line (without the program name) split the way
// Normalize reads it.
type commandLine struct {
	cmd         *cli.Command // the (sub)command named; nil for none
	path        []string     // its names as typed: "remote", "list"
	names       []string     // its names: "remote", "ls"
	flags       []string     // the flags, each followed by its value if it takes one
	args        []string     // the positional arguments, with all that follows "--"
	dashdash    bool         // "--" was given
	pending     bool         // the last word is a flag still waiting for its value
	help        bool         // --help or -h was given before "--"
	noValue     string       // the first flag that takes a value but got none, as typed
	noValueNext string       // the word starting with "-" that followed noValue, if any
}

// name is the command path, "publish" or "remote ls"; "" for none.
func (l commandLine) name() string { return strings.Join(l.names, " ") }

// splitLine splits words into the command path, flags and arguments:
// command names count until the first argument; a flag of the command
// found so far (or of the app) that takes a value takes the next word,
// unless that word is a flag (starts with "-" and is not "-" alone).
func splitLine(app *cli.App, words []string) commandLine {
	var l commandLine
	cmds, flags := app.Commands, app.Flags
	for i := 0; i < len(words); i++ {
		a := words[i]
		switch {
		case a == "--":
			l.args = append(l.args, words[i+1:]...)
			l.dashdash = true
			return l
		case isFlag(a):
			l.flags = append(l.flags, a)
			l.help = l.help || isHelpFlag(a)
			if !takesValue(flags, a) || strings.Contains(a, "=") {
				continue
			}
			if i+1 < len(words) && !isFlag(words[i+1]) {
				i++
				l.flags = append(l.flags, words[i])
				continue
			}
			if l.noValue == "" {
				l.noValue = a
				if i+1 < len(words) {
					l.noValueNext = words[i+1]
				}
			}
			l.pending = i+1 == len(words)
		case len(l.args) == 0 && FindCommand(cmds, a) != nil:
			l.cmd = FindCommand(cmds, a)
			l.path = append(l.path, a)
			l.names = append(l.names, l.cmd.Name)
			cmds, flags = l.cmd.Subcommands, l.cmd.Flags
		default:
			l.args = append(l.args, a)
		}
	}
	return l
}

// isFlag reports whether word reads as a flag (or is "--"): it starts with
// "-" and is not "-" alone, which names stdin or stdout.
func isFlag(word string) bool { return strings.HasPrefix(word, "-") && word != "-" }

// isHelpFlag reports whether the flag word asks for help: -h, --help,
// --help=true, as Go's flag package reads them.
func isHelpFlag(word string) bool {
	name, val, hasVal := strings.Cut(strings.TrimLeft(word, "-"), "=")
	if name != "help" && name != "h" {
		return false
	}
	on, err := strconv.ParseBool(val)
	return !hasVal || err == nil && on
}

// FindCommand returns the command of cmds that has name (or alias), or nil.
func FindCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// TakesValue reports whether the flag token ("-o", "--output") names a
// flag of cmd that takes a value (not a boolean).
func TakesValue(cmd *cli.Command, tok string) bool { return takesValue(cmd.Flags, tok) }

func takesValue(flags []cli.Flag, tok string) bool {
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
