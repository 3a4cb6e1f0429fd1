package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/suggest"
)

// strictUsage makes every usage error of app — unknown command or flag, a
// bad flag value, a missing required flag or argument — one
// "svcreg: error:" line and one "svcreg: hint:" line with exit 2, and never
// the help text, which only --help (or 'svcreg help') prints. urfave/cli v2
// prints the help on such errors unless OnUsageError is set, required flags
// are checked by the action, and commands without an action have one.
func strictUsage(app *cli.App) {
	app.OnUsageError = onUsageError
	app.HideHelpCommand = true // replaced by newHelpCommand
	// urfave/cli gives the app --help only along with its own help command
	app.Flags = append(app.Flags, cli.HelpFlag)
	app.Commands = append(app.Commands, newHelpCommand())
	walkCommands(app.Commands, "", func(cmd *cli.Command, parent string) {
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

// walkCommands calls fn for each command and subcommand, with the path of
// its parent ("" for a top-level command).
func walkCommands(cmds []*cli.Command, parent string, fn func(cmd *cli.Command, parent string)) {
	for _, c := range cmds {
		fn(c, parent)
		walkCommands(c.Subcommands, strings.TrimSpace(parent+" "+c.Name), fn)
	}
}

// newHelpCommand is `svcreg help [COMMAND [SUBCOMMAND]]`, the same as
// `svcreg COMMAND [SUBCOMMAND] --help`: urfave/cli's own shows only the
// first name's help and exits 0 for an unknown one.
func newHelpCommand() *cli.Command {
	return &cli.Command{
		Name:      "help",
		Aliases:   []string{"h"},
		Usage:     "show the commands, or one command's help",
		ArgsUsage: "[COMMAND [SUBCOMMAND]]",
		Description: `Examples:
   svcreg help
   svcreg help publish
   svcreg help remote add`,
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return cli.ShowAppHelp(c)
			}
			cmds, path := c.App.Commands, []string{c.App.Name}
			for _, name := range c.Args().Slice() {
				cmd := findCommand(cmds, name)
				if cmd == nil {
					return unknownCommandIn(cmds, strings.Join(path[1:], " "), name)
				}
				cmds, path = cmd.Subcommands, append(path, cmd.Name)
			}
			// `svcreg PATH --help`, where urfave/cli sets the command up
			// first (a group's help lists its subcommands only then)
			return c.App.RunContext(c.Context, append(path, "--help"))
		},
	}
}

// commandPath is "publish" or "remote add": the command as typed after
// "svcreg".
func commandPath(c *cli.Context) string {
	if c.Command == nil {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(c.Command.HelpName, c.App.HelpName))
}

// helpHint is the hint of a usage error in command c.
func helpHint(c *cli.Context) string { return helpHintFor(commandPath(c)) }

// helpHintFor is the hint of a usage error in the command path p ("" for
// none).
func helpHintFor(p string) string {
	if p != "" {
		return "run 'svcreg " + p + " --help' for its flags and examples"
	}
	return "run 'svcreg --help' for the commands"
}

// commandOf returns the command path ("publish", "remote add") that the
// command line args names, or "".
func commandOf(app *cli.App, args []string) string {
	if len(args) < 2 {
		return ""
	}
	return splitLine(app, args[1:]).name()
}

// onUsageError turns urfave/cli's flag errors into usage errors.
func onUsageError(c *cli.Context, err error, _ bool) error {
	msg := dashDash(err.Error())
	hint := helpHint(c)
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
	if p := commandPath(c); p != "" {
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
				return usageErr(fmt.Errorf("%s: missing --%s", commandPath(c), name), helpHint(c))
			}
		}
		if before != nil {
			return before(c)
		}
		return nil
	}
}

// unknownCommand is the action of the app and of each command group
// (key, remote): it runs only when no known (sub)command was named.
func unknownCommand(c *cli.Context) error {
	if c.NArg() == 0 {
		if p := commandPath(c); p != "" {
			return usageErr(fmt.Errorf("%s: expected a command: %s", p, strings.Join(commandNames(c.Command.Subcommands), ", ")), helpHint(c))
		}
		return usageErr(errors.New("no command given"), helpHint(c))
	}
	return unknownCommandErr(c, c.Args().First())
}

// unknownCommandErr is the usage error for a mistyped command name, with
// the nearest command as the hint.
func unknownCommandErr(c *cli.Context, name string) error {
	if p := commandPath(c); p != "" {
		return unknownCommandIn(c.Command.Subcommands, p, name)
	}
	return unknownCommandIn(c.App.Commands, "", name)
}

// unknownCommandIn is the usage error for name, which is none of cmds, the
// subcommands of the command path parent ("" for the top level).
func unknownCommandIn(cmds []*cli.Command, parent, name string) error {
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
	hint := helpHintFor(parent)
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

// jsonRequested reports whether the command line asks for --json: read
// from the raw arguments, so that even a command line that fails to parse
// gets its error as JSON.
func jsonRequested(args []string) bool {
	on := false
	for _, a := range args[min(1, len(args)):] {
		if a == "--" {
			break
		}
		switch strings.TrimLeft(a, "-") {
		case "json", "json=true", "json=1":
			on = strings.HasPrefix(a, "-")
		case "json=false", "json=0":
			on = false
		}
	}
	return on
}

// countingWriter counts what was written through it, so that report knows
// whether a command already wrote its output.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
