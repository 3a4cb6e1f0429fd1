// Package cliapp makes a urfave/cli v2 app strict and forgiving the way
// svcreg's command line is: flags stand anywhere, after arguments too
// ([Normalize]); every usage error — unknown command or flag, a bad flag
// value, a missing required flag or argument — is one [UsageError] with a
// hint (the nearest command or flag, or where the help is), never the
// help text ([Strict]); `PROG help [COMMAND [SUBCOMMAND]]` is the same as
// `PROG COMMAND [SUBCOMMAND] --help`; [Complete] answers a shell's
// completion from the commands and flags themselves; and [Describe] takes
// each command's help text from elsewhere (svcreg's docs/CLI.md). The
// caller gives usage errors their exit code and prints them.
package cliapp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/suggest"
)

// UsageError is a command line the app cannot run, with the hint that
// says how to write it.
type UsageError struct {
	Err  error
	Hint string
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usageErr(err error, hint string) error { return &UsageError{Err: err, Hint: hint} }

// Strict makes every usage error of app one *UsageError, and never the
// help text, which only --help (or PROG help) prints: urfave/cli v2 prints
// the help on such errors unless OnUsageError is set, required flags are
// checked by the action, and commands without an action have one. It
// adds the help command, whose examples name helpExamples ("publish",
// "remote add"), and gives app an action (unknown command) when it has
// none.
func Strict(app *cli.App, helpExamples ...string) {
	app.OnUsageError = onUsageError
	app.HideHelpCommand = true // replaced by helpCommand
	// urfave/cli gives the app --help only along with its own help command
	app.Flags = append(app.Flags, cli.HelpFlag)
	app.Commands = append(app.Commands, helpCommand(app.Name, helpExamples))
	if app.Action == nil {
		app.Action = unknownCommand
	}
	WalkCommands(app.Commands, "", func(cmd *cli.Command, parent string) {
		cmd.OnUsageError = onUsageError
		if len(cmd.Subcommands) > 0 && cmd.Action == nil {
			cmd.Action = unknownCommand
		}
		if parent != "" {
			cmd.HelpName = app.HelpName + " " + parent + " " + cmd.Name
		}
		requireFlags(cmd)
	})
}

// WalkCommands calls fn for each command and subcommand, with the path of
// its parent ("" for a top-level command).
func WalkCommands(cmds []*cli.Command, parent string, fn func(cmd *cli.Command, parent string)) {
	for _, c := range cmds {
		fn(c, parent)
		WalkCommands(c.Subcommands, strings.TrimSpace(parent+" "+c.Name), fn)
	}
}

// helpCommand is `PROG help [COMMAND [SUBCOMMAND]]`, the same as
// `PROG COMMAND [SUBCOMMAND] --help`: urfave/cli's own shows only the
// first name's help and exits 0 for an unknown one.
func helpCommand(prog string, examples []string) *cli.Command {
	desc := "Examples:\n   " + prog + " help"
	for _, e := range examples {
		desc += "\n   " + prog + " help " + e
	}
	return &cli.Command{
		Name:        "help",
		Aliases:     []string{"h"},
		Usage:       "show the commands, or one command's help",
		ArgsUsage:   "[COMMAND [SUBCOMMAND]]",
		Description: desc,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			cmds, path := c.App.Commands, []string{c.App.Name}
			for _, name := range c.Args().Slice() {
				cmd := FindCommand(cmds, name)
				if cmd == nil {
					return unknownCommandIn(c.App.Name, cmds, strings.Join(path[1:], " "), name)
				}
				cmds, path = cmd.Subcommands, append(path, cmd.Name)
			}
			// `PROG PATH --help`, where urfave/cli sets the command up
			// first (a group's help lists its subcommands only then)
			return c.App.RunContext(c.Context, append(path, "--help"))
		},
	}
}

// CommandPath is "publish" or "remote add": the command of c as typed
// after the program's name ("" for none).
func CommandPath(c *cli.Context) string {
	if c.Command == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(c.Command.HelpName, c.App.HelpName))
}

// Hint is the hint of a usage error in the command of c.
func Hint(c *cli.Context) string { return HintFor(c.App.Name, CommandPath(c)) }

// HintFor is the hint of a usage error in the command path p ("" for
// none) of the program prog: where its help is.
func HintFor(prog, p string) string {
	if p != "" {
		return "run '" + prog + " " + p + " --help' for its flags and examples"
	}
	return "run '" + prog + " --help' for the commands"
}

// onUsageError turns urfave/cli's flag errors into usage errors.
func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := dashDash(err.Error())
	hint := Hint(c)
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		msg = "--" + strings.TrimLeft(name, "-") + " needs a value"
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		msg = "unknown flag --" + name
		var names []string
		for _, f := range c.Command.Flags {
			names = append(names, f.Names()...)
		}
		if s := suggest.Nearest(name, names); s != "" {
			hint = "did you mean --" + s + "? " + hint
		}
	}
	if p := CommandPath(c); p != "" {
		msg = p + ": " + msg
	}
	return usageErr(errors.New(msg), hint)
}

// dashDash writes the flags in urfave/cli's messages ("for flag -timeout")
// as the docs write them (--timeout).
func dashDash(msg string) string {
	return strings.ReplaceAll(msg, "for flag -", "for flag --")
}

// requireFlags moves the check of cmd's required flags from urfave/cli,
// which prints the whole help with it, into the command's Before hook.
func requireFlags(cmd *cli.Command) {
	var required []string
	for _, f := range cmd.Flags {
		if rf, ok := f.(cli.RequiredFlag); ok && rf.IsRequired() {
			required = append(required, f.Names()[0])
			if sf, ok := f.(*cli.StringFlag); ok {
				sf.Required = false
			}
		}
	}
	if len(required) == 0 {
		return
	}
	before := cmd.Before
	cmd.Before = func(c *cli.Context) error {
		for _, name := range required {
			if !c.IsSet(name) {
				return usageErr(fmt.Errorf("%s: missing --%s", CommandPath(c), name), Hint(c))
			}
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// unknownCommand is the action of the app and of each command group: it
// runs only when no known (sub)command was named.
func unknownCommand(c *cli.Context) error {
	p := CommandPath(c)
	switch {
	case c.NArg() > 0 && p != "":
		return unknownCommandIn(c.App.Name, c.Command.Subcommands, p, c.Args().First())
	case c.NArg() > 0:
		return unknownCommandIn(c.App.Name, c.App.Commands, "", c.Args().First())
	case p != "":
		return usageErr(fmt.Errorf("%s: expected a command: %s", p, strings.Join(commandNames(c.Command.Subcommands), ", ")), Hint(c))
	}
	return usageErr(errors.New("no command given"), Hint(c))
}

// unknownCommandIn is the usage error for name, which is none of cmds, the
// subcommands of the command path parent ("" for the top level), with
// the nearest command in the hint.
func unknownCommandIn(prog string, cmds []*cli.Command, parent, name string) error {
	prefix := ""
	if parent != "" {
		prefix = parent + " "
	}
	var names []string
	for _, cmd := range cmds {
		if !cmd.Hidden {
			names = append(names, cmd.Names()...)
		}
	}
	hint := HintFor(prog, parent)
	if s := suggest.Nearest(name, names); s != "" {
		hint = "did you mean " + prefix + s + "? " + hint
	}
	return usageErr(fmt.Errorf("unknown command %q", prefix+name), hint)
}

// commandNames lists the visible names of cmds, without help.
func commandNames(cmds []*cli.Command) []string {
	var out []string
	for _, c := range cmds {
		if !c.Hidden && c.Name != "help" {
			out = append(out, c.Name)
		}
	}
	return out
}

// BoolFlag reports whether the raw command line args (the program's name
// first) sets the boolean flag name (--json, -json, --json=true) before
// any "--": read without parsing, so that even a command line that fails
// to parse is seen to ask for it.
func BoolFlag(args []string, name string) bool {
	on := false
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		switch strings.TrimLeft(a, "-") {
		case name, name + "=true", name + "=1":
			on = strings.HasPrefix(a, "-")
		case name + "=false", name + "=0":
			on = false
		}
	}
	return on
}
