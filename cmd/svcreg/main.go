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

	"github.com/svcreg/svcreg/docs"
	"github.com/svcreg/svcreg/internal/cliapp"
)

// version is set with -ldflags "-X main.version=…"; see versionString.
var version = ""

func main() { os.Exit(runProcess(os.Args)) }

// runProcess runs svcreg as a process, stopped by SIGINT or SIGTERM. A
// warm resolve never gets here: internal/warm answers it (with
// registry/home/warm) while the program is initialised.
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
		Version:              versionString(),
		Writer:               stdout,
		ErrWriter:            stderr,
		EnableBashCompletion: false,
		ExitErrHandler:       func(*cli.Context, error) {},
		Flags:                commonFlags(),
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
	help := docs.CommandHelp()
	cliapp.Describe(app, func(path string) (string, string) { return help[path].Usage, help[path].Description })
	cliapp.Strict(app, "publish", "remote add")
	return app
}
