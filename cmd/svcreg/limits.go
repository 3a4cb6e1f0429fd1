package main

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/bytesize"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// limitFlags are accepted by the commands that write a release out or
// record one (get, install, publish): how far a release may expand.
func limitFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "max-size", Value: fmt.Sprintf("%dGiB", unixfs.DefaultMaxSize>>30), Usage: "refuse a release whose files add up to more than `SIZE` (bytes, or with KiB, MiB, GiB, TiB)"},
		&cli.Uint64Flag{Name: "max-files", Value: unixfs.DefaultMaxFiles, Usage: "refuse a release of more than `N` files, directories and symlinks"},
	}
}

// sizeHint is the hint for a size flag that does not parse.
const sizeHint = "write a size such as 16GiB, 500MiB or 1048576"

// limitHint is the hint for a release beyond the limits (ErrTooLarge).
const limitHint = "the release expands beyond --max-size or --max-files; raise them only if you trust what it expands to"

// exportLimits returns the limits --max-size and --max-files set.
func exportLimits(c *cli.Context) (unixfs.Limits, error) {
	size, err := bytesize.Parse(c.String("max-size"))
	if err != nil {
		return unixfs.Limits{}, usageErr(fmt.Errorf("--max-size: %w", err), sizeHint)
	}
	files := c.Uint64("max-files")
	if files == 0 {
		return unixfs.Limits{}, usageErr(errors.New("--max-files: must be at least 1"), "write a number of files such as 1000000")
	}
	return unixfs.Limits{MaxSize: size, MaxFiles: files}, nil
}
