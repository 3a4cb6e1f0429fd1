package cliapp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// testApp is a small app: get (with --output, a value flag, and
// --offline), remote add|ls (add with a required --gateway), and --home
// and --json on the app and every command (as a program's common flags).
func testApp(ran *[]string) *cli.App {
	record := func(c *cli.Context) error {
		*ran = append(*ran, CommandPath(c)+" "+strings.Join(c.Args().Slice(), ",")+" o="+c.String("output"))
		return nil
	}
	common := func(fs ...cli.Flag) []cli.Flag {
		return append([]cli.Flag{&cli.StringFlag{Name: "home"}, &cli.BoolFlag{Name: "json"}}, fs...)
	}
	app := &cli.App{
		Name: "prog", HelpName: "prog", Writer: io.Discard, ErrWriter: io.Discard,
		ExitErrHandler: func(*cli.Context, error) {},
		Flags:          common(),
		Commands: []*cli.Command{
			{Name: "get", Usage: "fetch", Action: record, Flags: common(
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "output directory"},
				&cli.BoolFlag{Name: "offline", Usage: "no network"},
			)},
			{Name: "remote", Usage: "remotes", Subcommands: []*cli.Command{
				{Name: "add", Usage: "add one", Action: record, Flags: common(&cli.StringFlag{Name: "gateway", Required: true})},
				{Name: "ls", Aliases: []string{"list"}, Usage: "list them", Action: record, Flags: common()},
			}},
		},
	}
	Strict(app, "remote add")
	return app
}

// runLine runs line as the program's command line.
func runLine(t *testing.T, line string) ([]string, error) {
	t.Helper()
	var ran []string
	app := testApp(&ran)
	args, err := Normalize(app, strings.Fields("prog "+line))
	if err == nil {
		err = app.RunContext(context.Background(), args)
	}
	return ran, err
}

func TestNormalizeFlagsAnywhere(t *testing.T) {
	for line, want := range map[string]string{
		"get x -o out":             "get x o=out",
		"--home h get -o out x":    "get x o=out",
		"get x --offline -- -y":    "get x,-y o=",
		"remote list --json":       "remote ls  o=",
		"get -o=-weird x":          "get x o=-weird",
		"get - -o out":             "get - o=out",
		"remote add k --gateway=u": "remote add k o=",
	} {
		ran, err := runLine(t, line)
		if err != nil || len(ran) != 1 || ran[0] != want {
			t.Errorf("%q: ran %q, %v; want %q", line, ran, err, want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for line, want := range map[string][2]string{
		"":                   {"no command given", "run 'prog --help' for the commands"},
		"gte x":              {`unknown command "gte"`, "did you mean get? run 'prog --help' for the commands"},
		"remote ad":          {`unknown command "remote ad"`, "did you mean remote add? run 'prog remote --help' for its flags and examples"},
		"remote":             {"remote: expected a command: add, ls", "run 'prog remote --help' for its flags and examples"},
		"help remote bogus":  {`unknown command "remote bogus"`, "run 'prog remote --help' for its flags and examples"},
		"get --ofline x":     {"get: unknown flag --ofline", "did you mean --offline? run 'prog get --help' for its flags and examples"},
		"get x -o":           {"get: -o needs a value", "run 'prog get --help' for its flags and examples"},
		"get x -o --offline": {`get: -o needs a value; "--offline" is not taken as one`, "a value that starts with '-' is written -o=VALUE"},
		"remote add k":       {"remote add: missing --gateway", "run 'prog remote add --help' for its flags and examples"},
	} {
		_, err := runLine(t, line)
		var ue *UsageError
		if !errors.As(err, &ue) || ue.Error() != want[0] || ue.Hint != want[1] {
			t.Errorf("%q: %v (%#v), want %q, hint %q", line, err, ue, want[0], want[1])
		}
	}
}

func TestHelpCommand(t *testing.T) {
	var ran []string
	app := testApp(&ran)
	var out bytes.Buffer
	app.Writer = &out
	if err := app.RunContext(context.Background(), []string{"prog", "help", "remote", "add"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "prog remote add") || len(ran) != 0 {
		t.Fatalf("help: %q (ran %q)", out.String(), ran)
	}
	help := FindCommand(app.Commands, "h")
	if help == nil || help.Description != "Examples:\n   prog help\n   prog help remote add" {
		t.Fatalf("help command %#v", help)
	}
	// --help anywhere is the command's help
	args, err := Normalize(app, strings.Fields("prog get x --help -o y"))
	if err != nil || !slices.Equal(args, []string{"prog", "get", "--help"}) {
		t.Fatalf("Normalize: %q, %v", args, err)
	}
}

func TestCommandOf(t *testing.T) {
	app := testApp(new([]string))
	for line, want := range map[string]string{
		"prog get x": "get", "prog --home h remote list": "remote ls", "prog get -o remote x": "get",
		"prog gte": "", "prog": "", "prog get -- remote": "get",
	} {
		if got := CommandOf(app, strings.Fields(line)); got != want {
			t.Errorf("CommandOf(%q) = %q, want %q", line, got, want)
		}
	}
}

func TestComplete(t *testing.T) {
	app := testApp(new([]string))
	for line, want := range map[string]string{
		"ge":            "get\tfetch\n",
		"remote ":       "add\tadd one\nls\tlist them\n",
		"get x --of":    "--offline\tno network\n",
		"get -o ":       "",
		"get x ":        "",
		"--h":           "--home\t\n--help\tshow help\n",
		"bogus --j":     "",
		"get x -o --of": "--offline\tno network\n",
	} {
		var out bytes.Buffer
		words := strings.Split(line, " ")
		Complete(app, words, &out)
		if out.String() != want {
			t.Errorf("Complete(%q) = %q, want %q", line, out.String(), want)
		}
	}
}

func TestBoolFlag(t *testing.T) {
	for args, want := range map[string]bool{
		"svcreg ls --json": true, "svcreg --json ls": true, "svcreg ls -json": true, "svcreg ls --json=false": false,
		"svcreg ls -- --json": false, "svcreg ls": false, "svcreg publish json@1.0.0": false,
	} {
		if got := BoolFlag(strings.Fields(args), "json"); got != want {
			t.Errorf("BoolFlag(%q) = %v", args, got)
		}
	}
}
