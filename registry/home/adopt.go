package home

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/bytesize"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/follow"
)

// Imported is what Import stored and adopted. Its JSON is that of svcreg
// import --json: {file, blocks, bytes, roots, registries}.
type Imported struct {
	File string // the name of the stream, as the caller gave it
	car.Contents
	Registries []car.Adoption // what became of each registry state
}

// Text describes the import as `svcreg import` prints it: the blocks
// stored, then what became of each registry state among the roots. Each
// line ends in a newline.
func (o *Imported) Text() string {
	var w strings.Builder
	fmt.Fprintf(&w, "imported %d blocks (%s) from %s\n", o.Blocks, bytesize.Format(o.Bytes), o.File)
	for _, a := range o.Registries {
		fmt.Fprintf(&w, "%s: %s\n", a.Registry, a.Note())
	}
	if len(o.Registries) == 0 {
		fmt.Fprintln(&w, "no registry state among the roots: blocks stored")
	}
	return w.String()
}

// Import stores the blocks of the CAR stream r (car.Read: each checked
// against its CID) and adopts the registry states among its roots
// (Adopt). Errors name the stream as name; a state with a release get
// would not write is not adopted (an error wrapping
// *car.UnwritableError), though its blocks stay stored.
func (h *Home) Import(ctx context.Context, name string, r io.Reader, progress func(blocks int, bytes int64)) (*Imported, error) {
	if err := h.RequireWritable(); err != nil {
		return nil, err
	}
	contents, err := car.Read(ctx, r, h.blocks, progress)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	as, err := h.Adopt(ctx, contents.Roots)
	if uw := (*car.UnwritableError)(nil); errors.As(err, &uw) {
		return nil, fmt.Errorf("import %s: %w", uw.Registry, err)
	} else if err != nil {
		return nil, err
	}
	return &Imported{File: name, Contents: contents, Registries: as}, nil
}

// Adopt adopts the registry states among roots, the roots of a CAR whose
// blocks car.Read stored in the home's block store (car.Adopt, records
// checked by follow.Verifier, releases expanded from the block store as
// get expands them). It takes the index lock, when the index exists, only
// now: a long read of the file holds no lock.
func (h *Home) Adopt(ctx context.Context, roots []cid.Cid) ([]car.Adoption, error) {
	if h.HasIndex() {
		if _, err := h.Lock(); err != nil {
			return nil, err
		}
	}
	return car.Adopt(ctx, car.AdoptConfig{Blocks: h.blocks, Index: h.Index(), Verifier: follow.Verifier{}, Content: h.blocks.Blockstore()}, roots)
}

// MarshalJSON writes imp as svcreg import --json does.
func (imp *Imported) MarshalJSON() ([]byte, error) {
	roots := []string{}
	for _, r := range imp.Roots {
		roots = append(roots, r.String())
	}
	regs := imp.Registries
	if regs == nil {
		regs = []car.Adoption{}
	}
	return json.Marshal(struct {
		File       string         `json:"file"`
		Blocks     int            `json:"blocks"`
		Bytes      int64          `json:"bytes"`
		Roots      []string       `json:"roots"`
		Registries []car.Adoption `json:"registries"`
	}{imp.File, imp.Blocks, imp.Bytes, roots, regs})
}
