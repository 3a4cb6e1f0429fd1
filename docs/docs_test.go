package docs_test

import (
	"strings"
	"testing"

	"github.com/svcreg/svcreg/docs"
)

func TestParseHelp(t *testing.T) {
	doc := "# title\n\n```help\nsvcreg - the program\n\nExamples:\n   svcreg init\n```\n" +
		"### `svcreg remote add NAME`\n```help\nsvcreg remote add - follow a registry\n\nExamples:\n   svcreg remote add main k51…\n```\n" +
		"```help\nsvcreg remote ls - list the remotes\n```\nprose\n```sh\nsvcreg ls\n```\n"
	got, err := docs.ParseHelp(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]docs.Help{
		"":           {"the program", "Examples:\n   svcreg init"},
		"remote add": {"follow a registry", "Examples:\n   svcreg remote add main k51…"},
		"remote ls":  {"list the remotes", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for path, h := range want {
		if got[path] != h {
			t.Errorf("%q: got %q, want %q", path, got[path], h)
		}
	}
}

func TestParseHelpErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"no usage":     "\n```help\nsvcreg ls\n```\n",
		"empty usage":  "\n```help\nsvcreg ls - \n```\n",
		"not svcreg":   "\n```help\nipfs add - add\n```\n",
		"not closed":   "\n```help\nsvcreg ls - list\n",
		"second block": "\n```help\nsvcreg ls - list\n```\n\n```help\nsvcreg ls - list again\n```\n",
	} {
		if _, err := docs.ParseHelp(doc); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestCommandHelp checks CLI.md's own help blocks: each parses, and each
// command's (not the program's) shows examples of that command.
func TestCommandHelp(t *testing.T) {
	help := docs.CommandHelp()
	if len(help) < 40 {
		t.Fatalf("only %d help blocks", len(help))
	}
	for path, h := range help {
		if path == "" {
			continue
		}
		_, examples, ok := strings.Cut(h.Description, "Examples:\n")
		if !ok || !strings.Contains(examples, "   svcreg "+strings.Fields(path)[0]) {
			t.Errorf("svcreg %s: the help block has no examples of it", path)
		}
	}
}

func BenchmarkCommandHelp(b *testing.B) {
	for b.Loop() {
		docs.CommandHelp()
	}
}

// FuzzParseHelp: any text parses or fails without panicking, and what
// parses is written back as blocks that parse to the same help.
func FuzzParseHelp(f *testing.F) {
	f.Add("\n```help\nsvcreg ls - list\n\nExamples:\n   svcreg ls\n```\n")
	f.Add("\n```help\nsvcreg - x\n```\n```help\nsvcreg a b - y\n```\n")
	f.Add("\n```help\n```\n")
	f.Fuzz(func(t *testing.T, doc string) {
		help, err := docs.ParseHelp(doc)
		if err != nil {
			return
		}
		var b strings.Builder
		for path, h := range help {
			b.WriteString("\n```help\n" + strings.TrimSpace("svcreg "+path) + " - " + h.Usage + "\n")
			if h.Description != "" {
				b.WriteString("\n" + h.Description + "\n")
			}
			b.WriteString("```\n")
		}
		again, err := docs.ParseHelp(b.String())
		if err != nil {
			t.Fatalf("written back: %v\n%s", err, b.String())
		}
		if len(again) != len(help) {
			t.Fatalf("written back: %d blocks, parsed %d", len(help), len(again))
		}
		for path, h := range help {
			if again[path] != h {
				t.Fatalf("%q: %q, written back %q", path, h, again[path])
			}
		}
	})
}
