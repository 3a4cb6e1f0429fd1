package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/urfave/cli/v2"
)

func newImportCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		ArgsUsage: "FILE",
		Flags:     withCommon(),
		Action:    withArgs(1, 1, "FILE", runImport),
	}
}

func runImport(c *cli.Context) error {
	file := c.Args().First()
	var r io.Reader = os.Stdin
	m := newMeter(c, "importing", "blocks")
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			return &fs.PathError{Op: "import", Path: file, Err: syscall.EISDIR}
		} else if err == nil && fi.Mode().IsRegular() {
			m.SetTotal(0, fi.Size())
		}
		r = f
	}
	if m != nil {
		r = m.Reader(r) // bytes of the file read, blocks as stored
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	var blocks func(int, int64)
	if m != nil {
		blocks = func(n int, _ int64) { m.SetItems(n) }
	}
	out, err := h.Import(c.Context, file, r, blocks)
	m.Finish()
	if err != nil {
		return err
	}
	return emit(c, out, func(w io.Writer) { fmt.Fprint(w, out.Text()) })
}
