package cliapp

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// Describe gives app and each of its commands the one-line usage and the
// description that help returns for its path: "" for the app itself,
// "resolve", "remote add". The text is kept apart from the commands so
// that one document can own it (svcreg's docs/CLI.md).
func Describe(app *cli.App, help func(path string) (usage, description string)) {
	app.Usage, app.Description = help("")
	WalkCommands(app.Commands, "", func(cmd *cli.Command, parent string) {
		cmd.Usage, cmd.Description = help(strings.TrimSpace(parent + " " + cmd.Name))
	})
}
