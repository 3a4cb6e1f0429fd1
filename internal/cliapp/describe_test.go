package cliapp

import (
	"testing"

	"github.com/urfave/cli/v2"
)

// TestDescribe: the app and every command, subcommands too, get the text
// their path is given.
func TestDescribe(t *testing.T) {
	app := testApp(new([]string))
	Describe(app, func(path string) (string, string) { return "usage of " + path, "about " + path })
	if app.Usage != "usage of " || app.Description != "about " {
		t.Errorf("app: %q, %q", app.Usage, app.Description)
	}
	got := map[string]string{}
	WalkCommands(app.Commands, "", func(cmd *cli.Command, parent string) {
		got[cmd.Usage] = cmd.Description
	})
	for _, path := range []string{"get", "remote", "remote add", "remote ls"} {
		if got["usage of "+path] != "about "+path {
			t.Errorf("%s: not described (%q)", path, got)
		}
	}
}
