// Command svcreg publishes and resolves services — directories of files,
// typically static web apps — through a signed, content-addressed manifest
// on IPFS, and serves them (svcreg serve). docs/CLI.md lists every command
// and exit code.
package main

import (
	"context"
	_ "github.com/svcreg/svcreg/cmd/svcreg/internal/warm" // first: answers warm resolves during init
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/cliapp"
)

// version is set with -ldflags "-X main.version=…"; see versionString.
var version = ""

func main() { os.Exit(runProcess(os.Args)) }

// runProcess runs svcreg as a process, stopped by SIGINT or SIGTERM. A
// warm resolve never gets here: internal/warm answers it while the
// program is initialised.
func runProcess(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run executes one svcreg command line and returns its exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out := &countingWriter{w: stdout}
	app := newApp(out, stderr)
	if len(args) > 1 && args[1] == completeCommand {
		cliapp.Complete(app, args[2:], stdout)
		return exitOK
	}
	line, err := cliapp.Normalize(app, args)
	if err == nil {
		err = app.RunContext(ctx, line)
	}
	if err != nil && ctx.Err() != nil {
		err = errInterrupted // SIGINT or SIGTERM, whatever the command was doing
	}
	return report(out, stderr, withFallbackHint(err, cliapp.HintFor(app.Name, cliapp.CommandOf(app, args))), cliapp.BoolFlag(args, "json"))
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:                 "svcreg",
		HelpName:             "svcreg",
		Usage:                "a reproducible service registry on IPFS",
		Version:              versionString(),
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		ExitErrHandler:       func(*cli.Context, error) {},
		Flags:                commonFlags(),
		Description: `A service is a directory of files (a static web app, say). svcreg adds it to
IPFS exactly as 'ipfs add -r' does, records name@version -> CID in a signed
DAG-CBOR manifest, and publishes the manifest root through IPNS.

Examples:
   svcreg init
   svcreg publish tts@1.0.0 ./tts
   svcreg resolve 'tts@^1'
   svcreg get tts@1 -o ./out
   svcreg completion bash > /etc/bash_completion.d/svcreg
   svcreg help remote add

State lives in $SVCREG_HOME (default ~/.svcreg) or --home DIR.`,
		Commands: []*cli.Command{
			newInitCommand(),
			newPublishCommand(),
			newResolveCommand(),
			newListCommand(),
			newInfoCommand(),
			newTagCommand(),
			newYankCommand(),
			newSignCommand(),
			newSubmitCommand(),
			newLogCommand(),
			newGetCommand(),
			newNameCommand(),
			newKeyCommand(),
			newRootCommand(),
			newMoveCommand(),
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
			newVersionCommand(),
			newCompletionCommand(),
			newFsckCommand(),
			newGCCommand(),
		},
	}
	cliapp.Strict(app, "publish", "remote add")
	return app
}
