package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/ptytest"
)

// openPTY opens a pseudo-terminal and returns its controlling side and
// the terminal a process writes to.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	return ptytest.Open(t)
}

// runOnTerminal runs cmd, whose stdout or stderr is tty (openPTY), and
// returns what reached the terminal and the command's error.
func runOnTerminal(t *testing.T, cmd *exec.Cmd, ptmx, tty *os.File) ([]byte, error) {
	t.Helper()
	shown := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(ptmx) // until the terminal is closed (EIO)
		shown <- b
	}()
	err := cmd.Run()
	tty.Close()
	select {
	case b := <-shown:
		return b, err
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal did not close")
	}
	return nil, err
}

// onTerminal runs svcreg with standard error on a pseudo-terminal and
// returns what the terminal showed and standard output.
func onTerminal(t *testing.T, home string, args ...string) (term, stdout string) {
	t.Helper()
	ptmx, tty := openPTY(t)
	var out bytes.Buffer
	cmd := svcregCmd(t, home, args...)
	cmd.Stdout, cmd.Stderr = &out, tty
	b, err := runOnTerminal(t, cmd, ptmx, tty)
	if err != nil {
		t.Fatalf("svcreg %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	return string(b), out.String()
}

// TestProgressOnTerminal checks the progress line of the long commands
// through a pseudo-terminal: files or blocks and bytes of the total,
// percent and rate, on one line rewritten with \r and ended at the end.
func TestProgressOnTerminal(t *testing.T) {
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	dir := filepath.Join(t.TempDir(), "svc")
	writeService(t, dir, 1)

	term, stdout := onTerminal(t, home, "publish", "svc@1.0.0", dir)
	last := lastLine(t, term)
	for _, want := range []string{"publishing: 20/20 files, ", " (100%), ", "/s"} {
		if !strings.Contains(last, want) {
			t.Errorf("publish: last progress line %q lacks %q", last, want)
		}
	}
	if !strings.HasPrefix(stdout, "svc@1.0.0 bafy") || strings.Contains(stdout, "publishing") {
		t.Errorf("publish: stdout %q", stdout)
	}

	out := filepath.Join(t.TempDir(), "out")
	term, _ = onTerminal(t, home, "get", "svc@1.0.0", "-o", out)
	checkWritten(t, "get", lastLine(t, term), "writing: 20 files, ")

	car := filepath.Join(t.TempDir(), "r.car")
	term, _ = onTerminal(t, home, "export", "-o", car)
	if last := lastLine(t, term); !strings.Contains(last, "exporting: ") || !strings.Contains(last, " blocks, ") {
		t.Errorf("export: last progress line %q", last)
	}
	term, _ = onTerminal(t, t.TempDir(), "import", car)
	if last := lastLine(t, term); !strings.Contains(last, "importing: ") || !strings.Contains(last, " (100%), ") {
		t.Errorf("import: last progress line %q", last)
	}

	var head struct{ Name string }
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "name", "--json")), &head); err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(t.TempDir(), "svcreg.json")
	if err := os.WriteFile(proj, []byte(`{"registry": "`+head.Name+`", "services": {"svc": "^1"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mustSvcreg(t, home, "lock", "--project", proj)
	term, _ = onTerminal(t, home, "install", "--project", proj, "-o", filepath.Join(t.TempDir(), "services"))
	checkWritten(t, "install", lastLine(t, term), "installing: 20 files, ")

	// nothing with --json, even on a terminal
	term, stdout = onTerminal(t, home, "publish", "svc@1.0.1", dir, "--json")
	if term != "" || !strings.Contains(stdout, `"version": "1.0.1"`) {
		t.Errorf("--json: terminal %q, stdout %q", term, stdout)
	}
}

// checkWritten checks the last progress line of a command that writes a
// release (get, install): it starts with prefix (the files written) and
// counts the bytes written exactly once, "N/N (100%)", never the blocks
// read, which an export reads more than once.
func checkWritten(t *testing.T, cmd, last, prefix string) {
	t.Helper()
	if !strings.HasPrefix(last, prefix) {
		t.Errorf("%s: last progress line %q, want it to start with %q", cmd, last, prefix)
		return
	}
	done, rest, _ := strings.Cut(strings.TrimPrefix(last, prefix), "/")
	total, _, _ := strings.Cut(rest, " (")
	if done != total || !strings.Contains(rest, " (100%), ") {
		t.Errorf("%s: last progress line %q: %s written of %s", cmd, last, done, total)
	}
}

// lastLine returns the last state of the progress line: the text after
// the last \r of the output's first line.
func lastLine(t *testing.T, term string) string {
	t.Helper()
	line, _, ended := strings.Cut(term, "\n")
	if !ended || !strings.HasPrefix(line, "\r") {
		t.Fatalf("no progress line ended by a newline in %q", term)
	}
	line = strings.TrimRight(line, "\r")
	return line[strings.LastIndex(line, "\r")+1:]
}
