// Command svcreg publishes and resolves services — directories of files,
// typically static web apps — through a signed, content-addressed manifest
// on IPFS, and serves them (svcreg serve). docs/CLI.md lists every command
// and exit code.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"
)

// version is set with -ldflags "-X main.version=…"; see versionString.
var version = ""

func main() { os.Exit(runProcess(os.Args)) }

// runProcess runs svcreg as a process: a warm resolve answered from the
// index, else the full command line, stopped by SIGINT or SIGTERM.
func runProcess(args []string) int {
	if code, ok := fastResolve(args[1:], os.Stdout); ok {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run executes one svcreg command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, normalizeArgs(app, args))
	return report(stderr, err)
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:                 "svcreg",
		Usage:                "a reproducible service registry on IPFS",
		Version:              versionString(),
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		HideHelpCommand:      false,
		ExitErrHandler:       func(*cli.Context, error) {},
		Description: `A service is a directory of files (a static web app, say). svcreg adds it to
IPFS exactly as 'ipfs add -r' does, records name@version -> CID in a signed
DAG-CBOR manifest, and publishes the manifest root through IPNS.

Examples:
   svcreg init
   svcreg publish tts@1.0.0 ./tts
   svcreg resolve 'tts@^1'
   svcreg get tts@1 -o ./out

State lives in $SVCREG_HOME (default ~/.svcreg) or --home DIR.`,
		Commands: []*cli.Command{
			newInitCommand(),
			newPublishCommand(),
			newResolveCommand(),
			newListCommand(),
			newInfoCommand(),
			newTagCommand(),
			newYankCommand(),
			newLogCommand(),
			newGetCommand(),
			newNameCommand(),
			newKeyCommand(),
			newRemoteCommand(),
			newPushCommand(),
			newReplicaCommand(),
			newRepublishCommand(),
			newExportCommand(),
			newImportCommand(),
			newURLCommand(),
			newServeCommand(),
			newLockCommand(),
			newCheckCommand(),
			newInstallCommand(),
			newUpdateCommand(),
			newVerifyCommand(),
		},
	}
}
