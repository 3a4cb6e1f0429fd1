package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
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

// adoptHeads finds the manifest roots and record roots of a CAR and, for
// each manifest with a matching valid record, adopts it as its registry's
// head.
func adoptHeads(c *cli.Context, h *home, roots []cid.Cid) ([]importedHead, error) {
	var records [][]byte
	type state struct {
		root cid.Cid
		m    *manifest.Manifest
	}
	var states []state
	for _, r := range roots {
		data, err := h.blocks.Get(c.Context, r)
		if err != nil {
			continue // a root need not be in the file
		}
		if car.MaybeRecord(r) && len(data) <= car.MaxRecordSize {
			records = append(records, data)
		} else if r.Prefix().Codec == cid.DagCBOR {
			if m, err := manifest.DecodeManifest(data); err == nil {
				states = append(states, state{r, m})
			}
		}
	}
	out := []importedHead{}
	for _, s := range states {
		ih, err := adoptState(c, h, s.root, s.m, records)
		if err != nil {
			return nil, err
		}
		out = append(out, ih)
	}
	return out, nil
}

// adoptState adopts the manifest m at root with whichever of records is
// its valid record.
func adoptState(c *cli.Context, h *home, root cid.Cid, m *manifest.Manifest, records [][]byte) (importedHead, error) {
	ih := importedHead{Registry: m.Registry, Root: root.String(), Seq: m.Seq}
	f, err := registry.NewFetcher(registry.FetcherConfig{Name: m.Registry, Blocks: h.blocks, Index: h.cache, Verifier: follow.Verifier{}})
	if err != nil {
		return ih, err
	}
	ih.Note = fmt.Sprintf("the file has no record for seq %d: blocks stored, head unchanged", m.Seq)
	for _, raw := range records {
		if !claims(raw, root) {
			continue
		}
		if err := checkExpansions(c.Context, h.blocks, h.blocks.Blockstore(), registry.Head{Name: m.Registry, Root: root, Seq: m.Seq}); err != nil {
			return ih, withHint(fmt.Errorf("import %s: %w", m.Registry, err),
				"a release of this state would not be written by get: the head was not adopted (its blocks are stored; 'svcreg gc' removes them)")
		}
		head, changed, err := f.Adopt(c.Context, raw)
		switch {
		case err == nil && changed:
			ih.Adopted, ih.Note = true, fmt.Sprintf("head is now seq %d (%s)", head.Seq, head.Root)
		case err == nil:
			ih.Note = fmt.Sprintf("seq %d is already the head", head.Seq)
		case errors.Is(err, registry.ErrRollback):
			floor, _ := h.cache.Floor(c.Context, m.Registry)
			ih.Note = fmt.Sprintf("kept the head: this home has seen seq %d, the file holds seq %d", floor, m.Seq)
		case errors.Is(err, ipns.ErrExpiredRecord):
			ih.Note = fmt.Sprintf("the record of seq %d has expired: blocks stored, head unchanged", m.Seq)
		default:
			return ih, err // a record that claims this state but does not verify
		}
		return ih, nil
	}
	return ih, nil
}

// claims reports whether raw parses as an IPNS record whose value is
// /ipfs/<root>, before any verification.
func claims(raw []byte, root cid.Cid) bool {
	rec, err := ipnsrec.UnmarshalRecord(raw)
	if err != nil {
		return false
	}
	p, err := rec.Value()
	if err != nil {
		return false
	}
	ip, err := path.NewImmutablePath(p)
	return err == nil && ip.RootCid().Equals(root)
}
