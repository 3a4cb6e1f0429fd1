package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// buildShipped builds svcreg as `make build` does (no cgo, -trimpath, the
// Makefile's BUILDTAGS), for tests that measure the program users run
// rather than this test binary. Under make test, which builds it first,
// $SVCREG_BIN names that program and nothing is built again.
func buildShipped(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("SVCREG_BIN"); bin != "" {
		return bin
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command to build svcreg with")
	}
	bin := filepath.Join(t.TempDir(), "svcreg")
	cmd := exec.Command(goCmd, "build", "-trimpath", "-tags", "urfave_cli_no_docs", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
