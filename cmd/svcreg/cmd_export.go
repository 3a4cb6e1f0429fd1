package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/car"
)

func newExportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		ArgsUsage: "[NAME[@RANGE|@TAG]…] -o FILE",
		Flags: withCommon(append(targetFlags(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "CAR file to write (\"-\": standard output)"},
			&cli.BoolFlag{Name: "no-record", Usage: "leave the IPNS record out"},
		)...),
		Action: runExport,
	}
}

func runExport(c *cli.Context) error {
	o := car.ExportOptions{NoRecord: c.Bool("no-record")}
	for _, a := range c.Args().Slice() {
		s, err := manifest.ParseSpec(a)
		if err != nil {
			return err
		}
		o.Specs = append(o.Specs, s)
	}
	h, err := openTarget(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.Registry.Head(c.Context)
	if err != nil {
		return err
	}
	file := c.String("output")
	update, done := progress(c, "exporting")
	o.Progress = update
	var out car.Exported
	err = writeFile(file, c.App.Writer, func(w io.Writer) (err error) {
		out, err = car.Export(c.Context, w, h.Registry, h.ReadBlocks(), head, o)
		return err
	})
	done()
	if err != nil || file == "-" {
		return err // standard output holds the CAR
	}
	out.File = file
	return emit(c, out, func(w io.Writer) { fmt.Fprintln(w, out) })
}

// writeFile writes through fn to path atomically (a temporary sibling
// renamed into place; a device or FIFO in place), or to stdout when path
// is "-".
func writeFile(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	return atomicfile.WriteOutput(path, 0o644, fn)
}
