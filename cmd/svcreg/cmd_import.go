package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
)

func newImportCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "store the blocks of a CAR file and adopt the registry state it carries",
		ArgsUsage: "FILE",
		Description: `Every block is checked against its CID before it is stored. A root that is a
registry's manifest becomes that registry's head only if the file also
carries its signed IPNS record (as 'svcreg export' writes it), the record
verifies, and its sequence is above the highest this home has seen. Otherwise
the blocks are stored and the head is left as it was; the output says why.
FILE "-" is standard input. CARs from 'ipfs dag export' are accepted (they
carry no record).

Examples:
   svcreg import registry.car
   ipfs dag export bafy… | svcreg import -`,
		Flags:  withCommon(),
		Action: runImport,
	}
}

type importOut struct {
	File       string         `json:"file"`
	Blocks     int            `json:"blocks"`
	Bytes      int64          `json:"bytes"`
	Roots      []string       `json:"roots"`
	Registries []importedHead `json:"registries"`
}

type importedHead struct {
	Registry string `json:"registry"`
	Root     string `json:"root"`
	Seq      uint64 `json:"seq"`
	Adopted  bool   `json:"adopted"`
	Note     string `json:"note"`
}

func runImport(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "FILE"); err != nil {
		return err
	}
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
	if err := h.requireWritable(); err != nil {
		return err
	}
	var blocks func(int, int64)
	if m != nil {
		blocks = func(n int, _ int64) { m.SetItems(n) }
	}
	contents, err := car.Read(c.Context, r, h.blocks, blocks)
	m.Finish()
	if err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	// The index is locked only now, after the long read.
	if err = h.openIndex(); err != nil {
		return err
	}
	out := importOut{File: file, Blocks: contents.Blocks, Bytes: contents.Bytes, Roots: []string{}, Registries: []importedHead{}}
	for _, r := range contents.Roots {
		out.Roots = append(out.Roots, r.String())
	}
	if out.Registries, err = adoptHeads(c, h, contents.Roots); err != nil {
		return err
	}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "imported %d blocks (%s) from %s\n", out.Blocks, humanBytes(out.Bytes), file)
		for _, r := range out.Registries {
			fmt.Fprintf(w, "%s: %s\n", r.Registry, r.Note)
		}
		if len(out.Registries) == 0 {
			fmt.Fprintln(w, "no registry state among the roots: blocks stored")
		}
	})
}

// adoptHeads adopts the registry states among the roots of a CAR whose
// blocks are stored (car.Adopt) and says what became of each.
func adoptHeads(c *cli.Context, h *home, roots []cid.Cid) ([]importedHead, error) {
	as, err := car.Adopt(c.Context, car.AdoptConfig{Blocks: h.blocks, Index: h.cache, Verifier: follow.Verifier{}, Content: h.blocks.Blockstore()}, roots)
	var uw *car.UnwritableError
	if errors.As(err, &uw) {
		return nil, withHint(fmt.Errorf("import %s: %w", uw.Registry, err),
			"a release of this state would not be written by get: the head was not adopted (its blocks are stored; 'svcreg gc' removes them)")
	} else if err != nil {
		return nil, err
	}
	out := []importedHead{}
	for _, a := range as {
		out = append(out, importedHead{Registry: a.Registry, Root: a.Root.String(), Seq: a.Seq, Adopted: a.Outcome == car.Adopted, Note: adoptionNote(a)})
	}
	return out, nil
}

// adoptionNote says in words what import did with a state.
func adoptionNote(a car.Adoption) string {
	switch a.Outcome {
	case car.Adopted:
		return fmt.Sprintf("head is now seq %d (%s)", a.Head.Seq, a.Head.Root)
	case car.Current:
		return fmt.Sprintf("seq %d is already the head", a.Head.Seq)
	case car.Older:
		return fmt.Sprintf("kept the head: this home has seen seq %d, the file holds seq %d", a.Floor, a.Seq)
	case car.Expired:
		return fmt.Sprintf("the record of seq %d has expired: blocks stored, head unchanged", a.Seq)
	default:
		return fmt.Sprintf("the file has no record for seq %d: blocks stored, head unchanged", a.Seq)
	}
}
