package main

import (
	"bytes"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

// TestKeyExportTerminal checks that key export -o - never shows the
// private key on a terminal unless --force is given.
func TestKeyExportTerminal(t *testing.T) {
	home := t.TempDir()
	mustSvcreg(t, home, "init")
	for _, force := range []bool{false, true} {
		args := []string{"key", "export", "-o", "-"}
		if force {
			args = append(args, "--force")
		}
		ptmx, tty := openPTY(t)
		var stderr bytes.Buffer
		cmd := svcregCmd(t, home, args...)
		cmd.Stdout, cmd.Stderr = tty, &stderr
		term, err := runOnTerminal(t, cmd, ptmx, tty)
		if !force {
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
				t.Fatalf("key export -o - on a terminal: %v, want exit %d", err, exitUsage)
			}
			if len(term) != 0 {
				t.Fatalf("the terminal showed %q", term)
			}
			if !strings.Contains(stderr.String(), "refusing to write the private key") || !strings.Contains(stderr.String(), "--force") {
				t.Fatalf("stderr: %s", stderr.String())
			}
			continue
		}
		if err != nil {
			t.Fatalf("key export -o - --force: %v\n%s", err, stderr.String())
		}
		if len(term) < 68 {
			t.Fatalf("with --force the terminal showed %d bytes, want the key", len(term))
		}
	}
}
