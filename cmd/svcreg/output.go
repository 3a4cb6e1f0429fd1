package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
)

// emit writes v as JSON with --json, else calls text.
func emit(c *cli.Context, v any, text func(w io.Writer)) error {
	w := c.App.Writer
	if c.Bool("json") {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(w)
	return nil
}

// needArgs checks the number of positional arguments.
func needArgs(c *cli.Context, min, max int, usage string) error {
	switch n := c.NArg(); {
	case n < min:
		return usageErr(fmt.Errorf("%s: expected %s", commandPath(c), usage), helpHint(c))
	case n > max:
		return usageErr(fmt.Errorf("%s: unexpected argument %q (expected %s)", commandPath(c), c.Args().Get(max), usage), helpHint(c))
	}
	return nil
}

// withArgs wraps run in a check that the command has from min to max
// positional arguments; usage names them in the error.
func withArgs(min, max int, usage string, run cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) error {
		if err := needArgs(c, min, max, usage); err != nil {
			return err
		}
		return run(c)
	}
}

// openSpec reads the one NAME[@RANGE|@TAG] argument of a read command and
// opens the registry it is to be answered from.
func openSpec(c *cli.Context) (manifest.Spec, *home, error) {
	if err := needArgs(c, 1, 1, "NAME[@RANGE|@TAG]"); err != nil {
		return manifest.Spec{}, nil, err
	}
	spec, err := manifest.ParseSpec(c.Args().First())
	if err != nil {
		return manifest.Spec{}, nil, err
	}
	h, err := openTarget(c, true)
	if err != nil {
		return manifest.Spec{}, nil, err
	}
	return spec, h, nil
}
