package main

import (
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

func newExportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write the registry, or some releases, to a CAR file with its signed record",
		ArgsUsage: "[NAME[@RANGE|@TAG]…] -o FILE",
		Description: `Without names: the whole registry, every past state and the content of every
release, exactly the blocks and order of 'ipfs dag export <root>'. With
names: the current manifest block, the index and service blocks on the way to
each service, and each named release's content (a partial DAG: import it into
kubo with 'ipfs dag import --pin-roots=false').

The head's signed IPNS record travels in the file as a raw block, listed as a
second root, so that 'svcreg import' can adopt the head elsewhere; --no-record
leaves it out (and the file is then byte-identical to kubo's export of the
root). FILE "-" is standard output. docs/NETWORK.md describes the layout.

Examples:
   svcreg export -o registry.car
   svcreg export tts@1.0.0 'web@^2' -o releases.car
   svcreg export --registry main -o mirror.car`,
		Flags: withCommon(append(targetFlags(),
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "CAR file to write (\"-\": standard output)"},
			&cli.BoolFlag{Name: "no-record", Usage: "leave the IPNS record out"},
		)...),
		Action: runExport,
	}
}

type exportOut struct {
	File     string   `json:"file"`
	Registry string   `json:"registry"`
	Root     string   `json:"root"`
	Seq      uint64   `json:"seq"`
	Roots    []string `json:"roots"`
	Blocks   int      `json:"blocks"`
	Bytes    int64    `json:"bytes"`
	Record   bool     `json:"record"`
	Partial  bool     `json:"partial"`
}

func runExport(c *cli.Context) error {
	var specs []manifest.Spec
	for _, a := range c.Args().Slice() {
		s, err := manifest.ParseSpec(a)
		if err != nil {
			return err
		}
		specs = append(specs, s)
	}
	h, err := openTarget(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.reg.Head(c.Context)
	if err != nil {
		return err
	}
	roots := []cid.Cid{head.Root}
	rc, err := car.RecordCID(head.Record)
	if err != nil {
		return err
	}
	if !c.Bool("no-record") {
		roots = append(roots, rc)
	}
	out := exportOut{File: c.String("output"), Registry: head.Name, Root: head.Root.String(), Seq: head.Seq,
		Record: !c.Bool("no-record"), Partial: len(specs) > 0}
	for _, r := range roots {
		out.Roots = append(out.Roots, r.String())
	}
	update, done := progress(c, "exporting")
	err = writeFile(out.File, c.App.Writer, func(w io.Writer) error {
		cw, err := car.NewWriter(w, roots, h.readBlocks())
		if err != nil {
			return err
		}
		cw.Progress = update
		if err := exportBlocks(c, h.reg, cw, head, specs); err != nil {
			return err
		}
		if out.Record {
			if err := cw.Put(c.Context, rc, head.Record); err != nil {
				return err
			}
		}
		out.Blocks, out.Bytes = cw.Stats()
		return cw.Close()
	})
	done()
	if err != nil {
		return err
	}
	if out.File == "-" {
		return nil // standard output holds the CAR
	}
	return emit(c, out, func(w io.Writer) {
		what := "the whole registry"
		if out.Partial {
			what = fmt.Sprintf("%d release(s)", len(specs))
		}
		fmt.Fprintf(w, "exported %s, seq %d of %s: %d blocks (%s) to %s\n", what, out.Seq, out.Registry, out.Blocks, humanBytes(out.Bytes), out.File)
	})
}

// exportBlocks writes the whole DAG under the head, or for each spec the
// blocks on the way to its service and its release's content.
func exportBlocks(c *cli.Context, reg *registry.Registry, cw *car.Writer, head registry.Head, specs []manifest.Spec) error {
	if len(specs) == 0 {
		return cw.DAG(c.Context, head.Root, nil)
	}
	for _, s := range specs {
		info, err := reg.Info(c.Context, s)
		if err != nil {
			return err
		}
		path, err := reg.ReleasePath(c.Context, info.Service, info.Version)
		if err != nil {
			return err
		}
		for _, k := range path {
			if err := cw.Block(c.Context, k); err != nil {
				return err
			}
		}
		if err := cw.DAG(c.Context, info.Release.Content, nil); err != nil {
			return err
		}
	}
	return nil
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
