package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
)

// serveBinary is the program `svcreg serve` runs. boxo/gateway lives only
// there: its package initialisation would slow every svcreg command.
const serveBinary = "svcreg-serve"

// serveEnv, when set, is the path of the svcreg-serve program to run.
const serveEnv = "SVCREG_SERVE"

// errNoServeBinary is returned when svcreg-serve cannot be found.
var errNoServeBinary = errors.New("svcreg-serve not found")

func newServeCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "serve the registry over HTTP: an IPFS gateway, /svc/ addresses, IPNS records",
		ArgsUsage: "[-- SVCREG-SERVE-FLAGS]",
		Description: `Runs svcreg-serve ($SVCREG_SERVE, else next to svcreg, else on PATH) on
this home. It serves:

   /ipfs/CID/…                     files, listings, ?format=raw|car (trustless)
   /ipns/REGISTRY/…                through the registry's signed record
   /svc/NAME@RANGE/…               the release the range resolves to, now
   /routing/v1/ipns/NAME           GET the record; PUT a newer one

The index is never kept open, so other svcreg commands keep working while
it runs; changes show on the next request. Arguments after -- go to
svcreg-serve unchanged (svcreg serve -- --help lists them).

Examples:
   svcreg serve
   svcreg serve --listen 127.0.0.1:9090
   open "$(svcreg url 'say@^1' --query say=hello)"`,
		Flags: withCommon(
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:8080", Usage: "address to listen on"},
			&cli.StringFlag{Name: "registry", Usage: "the registry /svc/ resolves in: a k51… name or a remote's NAME (default: this home's own)"},
		),
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	dir, err := homeDir(c)
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, indexFile)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("serve: %w: no registry in %s", registry.ErrNoHead, dir)
	}
	bin, err := findServeBinary()
	if err != nil {
		return &cliError{err: err, code: exitNotFound,
			hint: "build it with 'make build' (bin/svcreg-serve) or 'go install github.com/svcreg/svcreg/cmd/svcreg-serve', and put it next to svcreg or on PATH"}
	}
	args := []string{bin, "--home", dir, "--listen", c.String("listen")}
	if c.String("registry") != "" {
		t, err := selectTarget(c, dir) // a remote's NAME or a k51… name
		if err != nil {
			return err
		}
		args = append(args, "--registry", t.name)
	}
	args = append(args, c.Args().Slice()...)
	return execProgram(c, bin, args)
}

// findServeBinary returns $SVCREG_SERVE, else svcreg-serve next to this
// executable, else on PATH.
func findServeBinary() (string, error) {
	if p := os.Getenv(serveEnv); p != "" {
		if !isExecutable(p) {
			return "", fmt.Errorf("%w: $%s is %s, not an executable file", errNoServeBinary, serveEnv, p)
		}
		return p, nil
	}
	name := serveBinary
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			if p := filepath.Join(filepath.Dir(exe), name); isExecutable(p) {
				return p, nil
			}
		}
	}
	if p, err := exec.LookPath(serveBinary); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w next to svcreg or on PATH", errNoServeBinary)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && (runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0)
}

// execProgram replaces this process with bin, so that signals and the exit
// code are the server's own. Where exec is unsupported it runs bin as a
// child and passes its exit code on.
func execProgram(c *cli.Context, bin string, args []string) error {
	if runtime.GOOS != "windows" {
		if err := syscall.Exec(bin, args, os.Environ()); err != nil {
			return fmt.Errorf("run %s: %w", bin, err)
		}
	}
	cmd := exec.CommandContext(c.Context, bin, args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, c.App.Writer, c.App.ErrWriter
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &cliError{err: fmt.Errorf("%s exited with code %d", bin, ee.ExitCode()), code: ee.ExitCode()}
	}
	return err
}
