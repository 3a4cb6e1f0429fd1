package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/docs"
	"github.com/svcreg/svcreg/internal/cliapp"
)

// runCapture runs one command line in-process.
func runCapture(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("SVCREG_HOME", t.TempDir())
	var out, errOut bytes.Buffer
	code = run(context.Background(), append([]string{"svcreg"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestHelpHasExamples walks every command and subcommand and checks that
// its --help prints its help block of docs/CLI.md, which shows examples,
// and that every help block there names a command.
func TestHelpHasExamples(t *testing.T) {
	var paths [][]string
	var walk func(prefix []string, cmds []*cli.Command)
	walk = func(prefix []string, cmds []*cli.Command) {
		for _, c := range cmds {
			p := append(append([]string{}, prefix...), c.Name)
			paths = append(paths, p)
			walk(p, c.Subcommands)
		}
	}
	walk(nil, newApp(nil, nil).Commands)
	if len(paths) < 25 {
		t.Fatalf("only %d commands found", len(paths))
	}
	help := docs.CommandHelp()
	for _, p := range append(paths, nil) {
		path := strings.Join(p, " ")
		block, ok := help[path]
		delete(help, path)
		t.Run(strings.Join(append([]string{"svcreg"}, p...), "_"), func(t *testing.T) {
			code, stdout, stderr := runCapture(t, append(p, "--help")...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			if !strings.Contains(stdout, "Examples:\n") || !strings.Contains(stdout, "svcreg "+path) {
				t.Fatalf("help has no examples:\n%s", stdout)
			}
			if path == "help" {
				return
			}
			if !ok {
				t.Fatalf("docs/CLI.md has no help block for svcreg %s", path)
			}
			if !strings.Contains(stdout, strings.TrimSpace("svcreg "+path)+" - "+block.Usage+"\n") {
				t.Errorf("help has not the usage %q:\n%s", block.Usage, stdout)
			}
			for _, line := range strings.Split(block.Description, "\n") {
				if line != "" && !strings.Contains(stdout, "   "+line+"\n") {
					t.Errorf("help has not the line %q of docs/CLI.md", line)
				}
			}
		})
	}
	for path := range help {
		t.Errorf("docs/CLI.md has a help block for svcreg %s, which is no command", path)
	}
}

// TestUsageErrors checks the usage-error contract on a sample of bad
// command lines: exactly one error line and one hint on stderr, exit 2,
// nothing on stdout; with --json one JSON error object on stdout.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"publsh"},
		{"help", "publsh"},
		{"resolve", "--bogus", "tts"},
		{"resolve"},
		{"resolve", "a", "b"},
		{"ls", "--timeout=abc"},
		{"key"},
		{"key", "export"},
		{"key", "exprot"},
		{"remote", "add"},
		{"remote", "ad"},
		{"export", "tts"},
		{"completion", "tcsh"},
		{"version", "extra"},
		{"--nope"},
		{"publish", "tts@1.0", "site"},
		{"publish", "tts@1.0.0", "site", "--profile", "nope"},
		{"resolve", "Bad"},
		{"resolve", "tts@>>1"},
		{"tag", "tts@1.0.0", "^1"},
		{"remote", "add", "main", "notaname"},
		{"push", "--kubo", "ftp://x"},
		{"serve", "extra"},
	} {
		t.Run(strings.Join(args, "_"), func(t *testing.T) {
			code, stdout, stderr := runCapture(t, args...)
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != exitUsage || stdout != "" || len(lines) != 2 ||
				!strings.HasPrefix(lines[0], "svcreg: error: ") || !strings.HasPrefix(lines[1], "svcreg: hint: ") {
				t.Fatalf("exit %d\nstdout: %q\nstderr: %q", code, stdout, stderr)
			}
			code, stdout, _ = runCapture(t, append(args, "--json")...)
			var e errorOut
			if err := json.Unmarshal([]byte(stdout), &e); err != nil || code != exitUsage ||
				e.Error.Code != exitUsage || e.Error.Class != "usage" || e.Error.Message == "" || e.Error.Hint == "" {
				t.Fatalf("--json: exit %d, stdout %q (%v)", code, stdout, err)
			}
		})
	}
}

func TestExitClasses(t *testing.T) {
	seen := map[string]int{}
	for code, class := range exitClasses {
		if other, ok := seen[class]; ok {
			t.Errorf("class %q names both %d and %d", class, code, other)
		}
		seen[class] = code
	}
	if exitClass(exitIntegrity) != "integrity" || exitClass(99) != "failure" {
		t.Fatal("exitClass")
	}
}

// TestExitClassesDocumented checks that docs/CLI.md's exit code table
// gives every code its class.
func TestExitClassesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CLI.md")
	if err != nil {
		t.Fatal(err)
	}
	for code, class := range exitClasses {
		if row := fmt.Sprintf("| %d | `%s` |", code, class); !bytes.Contains(doc, []byte(row)) {
			t.Errorf("docs/CLI.md has no row %q", row)
		}
	}
}

// TestReportInterrupted: a command stopped by Ctrl-C says "interrupted",
// not the context error the read it stopped returned, exits 130, and with
// --json says so in class "interrupted".
func TestReportInterrupted(t *testing.T) {
	t.Setenv("SVCREG_HOME", t.TempDir())
	if code := run(context.Background(), []string{"svcreg", "init"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("init: exit %d", code)
	}
	dir := t.TempDir()
	writeService(t, dir, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"svcreg", "publish", "svc@1.0.0", dir, "--json"}, &stdout, &stderr); code != exitCanceled {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if stderr.String() != "svcreg: error: interrupted\n" {
		t.Fatalf("stderr %q", stderr.String())
	}
	var e errorOut
	if err := json.Unmarshal(stdout.Bytes(), &e); err != nil || e.Error.Class != "interrupted" || e.Error.Code != 130 {
		t.Fatalf("stdout %q (%v)", stdout.String(), err)
	}
}

func TestCommandOf(t *testing.T) {
	app := newApp(io.Discard, io.Discard)
	for line, want := range map[string]string{
		"svcreg publish tts@1.0.0 site":         "publish",
		"svcreg --home h remote add main k51":   "remote add",
		"svcreg remote --json rm main":          "remote rm",
		"svcreg get -o ls tts":                  "get",
		"svcreg publsh x":                       "",
		"svcreg":                                "",
		"svcreg list":                           "ls",
		"svcreg resolve -- remote":              "resolve",
		"svcreg key export -o registry.key add": "key export",
	} {
		if got := cliapp.CommandOf(app, strings.Fields(line)); got != want {
			t.Errorf("commandOf(%q) = %q, want %q", line, got, want)
		}
	}
}
