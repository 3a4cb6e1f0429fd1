// Command svcreg is the entry point of svcreg. It answers a warm
// `svcreg resolve` itself — from the local index, without linking boxo or
// libp2p, so the whole process takes a few milliseconds — and hands every
// other command line to svcreg-core, the full CLI, by exec'ing it.
//
// docs/CLI.md lists the commands; docs/ARCHITECTURE.md explains the split.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// coreName is the full CLI's binary, looked up next to this one, then in
// PATH.
const coreName = "svcreg-core"

func main() {
	if code, ok := fastResolve(os.Args[1:], os.Stdout); ok {
		os.Exit(code)
	}
	err := execCore(os.Args)
	fmt.Fprintf(os.Stderr, "svcreg: error: %v\n", err)
	fmt.Fprintf(os.Stderr, "svcreg: hint: install svcreg-core next to svcreg (make build puts both in bin/)\n")
	os.Exit(1)
}

// execCore replaces this process with svcreg-core and the same arguments.
// It returns only on failure.
func execCore(args []string) error {
	path, err := findCore()
	if err != nil {
		return err
	}
	argv := append([]string{"svcreg"}, args[1:]...)
	return syscall.Exec(path, argv, os.Environ())
}

func findCore() (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), coreName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath(coreName)
	if err != nil {
		return "", fmt.Errorf("find %s: %w", coreName, err)
	}
	return p, nil
}
