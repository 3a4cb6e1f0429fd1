package main

import (
	"github.com/urfave/cli/v2"

	meter "github.com/svcreg/svcreg/internal/progress"
)

// newMeter returns the progress line of command c on standard error, or
// nil (which does nothing) when that is not a terminal or --json is set.
func newMeter(c *cli.Context, verb, unit string) *meter.Meter {
	if c.Bool("json") {
		return nil
	}
	return meter.New(c.App.ErrWriter, verb, unit)
}

// progress is a meter for a block transfer (export, push, fetch): the
// update callback the car package calls, and done to end the line.
func progress(c *cli.Context, verb string) (update func(blocks int, bytes int64), done func()) {
	m := newMeter(c, verb, "blocks")
	return m.Update(), m.Finish
}

// importMeter is a meter for importing dir (publish) and the importer's
// progress callback.
func importMeter(c *cli.Context, verb, dir string, hidden bool) (*meter.Meter, func(bytes int64)) {
	m := newMeter(c, verb, "files")
	return m, m.Files(dir, hidden)
}
