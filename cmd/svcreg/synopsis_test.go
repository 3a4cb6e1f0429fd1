package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/cliapp"
)

// docSynopsis is one command synopsis of docs/CLI.md, such as
// `svcreg get NAME[@RANGE|@TAG] [-o DIR]`, with the text of the section it
// heads.
type docSynopsis struct {
	text    string // the synopsis, "svcreg …"
	section string // the section's text, heading included
}

// TestSynopsesMatchDocs holds docs/CLI.md to be the contract of the
// command line: every command has a synopsis there; each synopsis names
// only flags the command has, with a value exactly when the flag takes one;
// its arguments and required flags are the command's usage line's (the
// USAGE of --help); and the command's own flags are all described in its
// section.
func TestSynopsesMatchDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CLI.md")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(nil, nil)
	documented := map[*cli.Command]bool{}
	for _, s := range docSynopses(string(doc)) {
		cmd, path, rest := synopsisCommand(app, s.text)
		if cmd == nil || len(cmd.Subcommands) > 0 {
			t.Errorf("docs/CLI.md: %q names no command", s.text)
			continue
		}
		documented[cmd] = true
		want, err := usageParts(cmd, rest)
		if err != "" {
			t.Errorf("docs/CLI.md: %q: %s", s.text, err)
			continue
		}
		got, err := usageParts(cmd, strings.Fields(cmd.ArgsUsage))
		if err != "" {
			t.Errorf("svcreg %s: usage %q: %s", path, cmd.ArgsUsage, err)
			continue
		}
		if got != want {
			t.Errorf("svcreg %s: the usage line has %q, docs/CLI.md %q (%q)", path, got, want, s.text)
		}
		for _, f := range cmd.Flags {
			if !isCommonFlag(f.Names()[0]) && !flagDescribed(string(doc), s.section, cmd, f) {
				t.Errorf("docs/CLI.md: svcreg %s: --%s is described neither in %q nor in a section that names %s", path, f.Names()[0], s.text, cmd.Name)
			}
		}
	}
	cliapp.WalkCommands(app.Commands, "", func(cmd *cli.Command, parent string) {
		if len(cmd.Subcommands) == 0 && !cmd.Hidden && cmd.Name != "help" && !documented[cmd] {
			t.Errorf("docs/CLI.md has no synopsis of svcreg %s", strings.TrimSpace(parent+" "+cmd.Name))
		}
	})
}

// docSynopses returns the synopses of doc: in a "###" heading, each
// `svcreg …` span and each span after " / " that follows one (`remote ls`
// in "`svcreg remote add …` / `remote ls`"); in a list item, the leading
// `svcreg …` span. A synopsis's section runs to the next heading.
func docSynopses(doc string) []docSynopsis {
	span := regexp.MustCompile("(^|, | / |: )`([^`]+)`")
	var out []docSynopsis
	sections := regexp.MustCompile(`(?m)^#{2,3} `).Split(doc, -1)
	for _, sec := range sections {
		heading, _, _ := strings.Cut(sec, "\n")
		prefix := ""
		for _, m := range span.FindAllStringSubmatch(heading, -1) {
			switch text := m[2]; {
			case strings.HasPrefix(text, "svcreg "):
				prefix = strings.Join(strings.Fields(text)[:2], " ")
				out = append(out, docSynopsis{text, sec})
			case m[1] == " / " && prefix != "":
				out = append(out, docSynopsis{"svcreg " + text, sec})
			}
		}
		for _, line := range strings.Split(sec, "\n") {
			if rest, ok := strings.CutPrefix(line, "- `svcreg "); ok {
				text, _, _ := strings.Cut(rest, "`")
				out = append(out, docSynopsis{"svcreg " + text, sec})
			}
		}
	}
	return out
}

// synopsisCommand returns the command a synopsis names, its path and the
// words after it.
func synopsisCommand(app *cli.App, synopsis string) (*cli.Command, string, []string) {
	words := strings.Fields(synopsis)[1:]
	var cmd *cli.Command
	var path []string
	for cmds := app.Commands; len(words) > 0; words = words[1:] {
		c := cliapp.FindCommand(cmds, words[0])
		if c == nil {
			break
		}
		cmd, cmds, path = c, c.Subcommands, append(path, c.Name)
	}
	return cmd, strings.Join(path, " "), words
}

// usageParts checks the flags among words (a synopsis after the command,
// or a usage line's arguments) against cmd's and returns what must be
// typed: the arguments and the flags outside brackets, each flag with its
// value, as one string. A problem is returned as the second result.
func usageParts(cmd *cli.Command, words []string) (string, string) {
	groups := bracketGroups(words)
	var parts []string
	for i := 0; i < len(groups); i++ {
		g := groups[i]
		inner := strings.TrimRight(g, "…")
		optional := strings.HasPrefix(inner, "[") && strings.HasSuffix(inner, "]")
		if optional {
			inner = inner[1 : len(inner)-1]
		}
		if !strings.HasPrefix(inner, "-") {
			parts = append(parts, g)
			continue
		}
		fields := strings.Fields(inner)
		f := commandFlag(cmd, strings.TrimLeft(fields[0], "-"))
		if f == nil {
			return "", "no flag " + fields[0]
		}
		hasValue := len(fields) > 1
		if !optional && !hasValue && i+1 < len(groups) && !strings.HasPrefix(groups[i+1], "-") && cliapp.TakesValue(cmd, fields[0]) {
			i++ // `-o FILE`: the value is the next word
			hasValue = true
		}
		if hasValue != cliapp.TakesValue(cmd, fields[0]) {
			return "", fields[0] + " is written with a value exactly when it takes one"
		}
		if !optional {
			parts = append(parts, "--"+f.Names()[0])
		}
	}
	return strings.Join(parts, " "), ""
}

// bracketGroups joins words into groups whose brackets balance:
// "[--gateway", "URL…]" → "[--gateway URL…]".
func bracketGroups(words []string) []string {
	var out []string
	depth := 0
	for _, w := range words {
		if depth > 0 {
			out[len(out)-1] += " " + w
		} else {
			out = append(out, w)
		}
		depth += strings.Count(w, "[") - strings.Count(w, "]")
	}
	return out
}

// commandFlag returns cmd's flag with the name (or alias), or nil.
func commandFlag(cmd *cli.Command, name string) cli.Flag {
	for _, f := range cmd.Flags {
		if slices.Contains(f.Names(), name) {
			return f
		}
	}
	return nil
}

// flagDescribed reports whether docs/CLI.md describes cmd's flag f: in
// section, the one cmd's synopsis heads, or in another section (or the
// introduction) that names the command, as "Reading a registry from the
// network" names the commands that take --registry.
func flagDescribed(doc, section string, cmd *cli.Command, f cli.Flag) bool {
	var names []string
	for _, n := range f.Names() {
		if len(n) == 1 {
			names = append(names, "-"+regexp.QuoteMeta(n))
		} else {
			names = append(names, "--"+regexp.QuoteMeta(n))
		}
	}
	flag := regexp.MustCompile("(^|[`\\s\\[(])(" + strings.Join(names, "|") + ")([^a-z0-9-]|$)")
	named := regexp.MustCompile("`(svcreg )?" + regexp.QuoteMeta(cmd.Name) + "[` ]")
	if flag.MatchString(section) {
		return true
	}
	for _, sec := range regexp.MustCompile(`(?m)^#{2,3} `).Split(doc, -1) {
		if named.MatchString(sec) && flag.MatchString(sec) {
			return true
		}
	}
	return false
}

// isCommonFlag reports whether every command has the flag name.
func isCommonFlag(name string) bool {
	for _, f := range commonFlags() {
		if f.Names()[0] == name {
			return true
		}
	}
	return false
}
