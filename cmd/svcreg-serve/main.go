// Command svcreg-serve is svcreg's HTTP gateway: `svcreg serve` runs it.
// It serves the blocks, IPNS records and /svc/ addresses of the registry
// in a home directory (package registry/gateway; docs/CLI.md § serve).
//
// It is a separate binary so that boxo/gateway, whose package
// initialisation alone costs about 19 ms, is not linked into svcreg,
// which must start in a few milliseconds for every other command.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/ipns"
)

// Exit codes, as svcreg's (docs/CLI.md).
const (
	exitFailure  = 1
	exitUsage    = 2
	exitNotFound = 3
)

// The layout of SVCREG_HOME (docs/CLI.md § Files in SVCREG_HOME).
const (
	keyFile   = "key"
	blocksDir = "blocks"
	indexFile = "index.db"
)

// shutdownGrace is how long in-flight requests may finish after a signal.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line of svcreg-serve.
type options struct {
	home, listen, registry string
	maxStale               time.Duration
	verbose                bool
}

// run serves until ctx ends and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("svcreg-serve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var o options
	fset.StringVar(&o.home, "home", os.Getenv("SVCREG_HOME"), "registry state directory (default $SVCREG_HOME, else ~/.svcreg)")
	fset.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on")
	fset.StringVar(&o.registry, "registry", "", "IPNS name of the registry /svc/ resolves in (default: the home's own)")
	fset.DurationVar(&o.maxStale, "max-stale", gateway.DefaultMaxStale, "longest use of a head read from the index without re-reading it")
	fset.BoolVar(&o.verbose, "verbose", false, "log refused records and index waits to stderr")
	if err := fset.Parse(args[1:]); err != nil {
		return exitUsage
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "svcreg-serve: error: unexpected arguments %q\n", fset.Args())
		return exitUsage
	}
	if err := serve(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "svcreg-serve: error: %v\n", err)
		if errors.Is(err, errNoRegistry) {
			fmt.Fprintln(stderr, "svcreg-serve: hint: run 'svcreg init' to create a registry here, or pass --home DIR")
			return exitNotFound
		}
		return exitFailure
	}
	return 0
}

// errNoRegistry is returned when the home has no index.
var errNoRegistry = errors.New("no registry")

func serve(ctx context.Context, o options, stdout, stderr io.Writer) error {
	srv, name, err := newServer(o, stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "svcreg-serve: http://%s/ registry %s\n", ln.Addr(), name)
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return hs.Shutdown(sctx)
}

// newServer opens the home's block store and returns the gateway and the
// name of the registry /svc/ serves ("-" for none).
func newServer(o options, stderr io.Writer) (*gateway.Server, string, error) {
	dir, err := homeDir(o.home)
	if err != nil {
		return nil, "", err
	}
	for _, p := range []string{indexFile, blocksDir} {
		if _, err := os.Stat(filepath.Join(dir, p)); errors.Is(err, fs.ErrNotExist) {
			return nil, "", fmt.Errorf("%w in %s (no %s)", errNoRegistry, dir, p)
		}
	}
	name := o.registry
	if name == "" {
		if k, err := ipns.LoadKey(filepath.Join(dir, keyFile)); err == nil {
			name = k.Name()
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, "", err
		}
	}
	blocks, err := flatfs.Open(filepath.Join(dir, blocksDir), nil)
	if err != nil {
		return nil, "", err
	}
	level := slog.LevelWarn
	if o.verbose {
		level = slog.LevelDebug
	}
	srv, err := gateway.New(gateway.Config{
		Blocks: blocks, IndexPath: filepath.Join(dir, indexFile), Registry: name, MaxStale: o.maxStale,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	if name == "" {
		name = "- (no key in the home: /svc/ is off)"
	}
	return srv, name, err
}

// homeDir returns dir, else ~/.svcreg.
func homeDir(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	u, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("%w (set SVCREG_HOME or pass --home DIR)", err)
	}
	return filepath.Join(u, ".svcreg"), nil
}
