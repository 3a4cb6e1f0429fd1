package main

import (
	"embed"
	"fmt"

	"github.com/urfave/cli/v2"
)

// completeCommand is the hidden command the shell scripts call:
// `svcreg __complete WORD… CURRENT` prints, one a line, the commands,
// subcommands or flags that CURRENT (the word being typed, maybe empty)
// can become after WORD…, each followed by a tab and its description. An
// empty answer leaves the shell to complete file names.
const completeCommand = "__complete"

// completionScripts holds the scripts `svcreg completion SHELL` prints,
// completionFiles their names. Each asks svcreg itself (completeCommand)
// for the candidates, so they follow the commands of the binary that is
// installed.
//
//go:embed completion/*
var completionScripts embed.FS

var completionFiles = map[string]string{"bash": "svcreg.bash", "zsh": "_svcreg", "fish": "svcreg.fish"}

func newCompletionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		ArgsUsage: "bash|zsh|fish",
		Action: withArgs(1, 1, "bash, zsh or fish", func(c *cli.Context) error {
			file, ok := completionFiles[c.Args().First()]
			if !ok {
				return usageErr(fmt.Errorf("completion: unknown shell %q", c.Args().First()), "svcreg completes bash, zsh and fish")
			}
			script, err := completionScripts.ReadFile("completion/" + file)
			if err == nil {
				_, err = c.App.Writer.Write(script)
			}
			return err
		}),
	}
}
