package car

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/bytesize"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// ExportOptions configure Export.
type ExportOptions struct {
	// Specs names the releases to export; none: the whole registry.
	Specs []manifest.Spec
	// NoRecord leaves the head's signed record out.
	NoRecord bool
	// Progress, when set, is called after each block with the totals.
	Progress func(blocks int, bytes int64)
}

// Exported is what Export wrote. Its JSON is that of svcreg export
// --json: {file, registry, root, seq, roots, blocks, bytes, record,
// partial}.
type Exported struct {
	File    string        // where it was written, as the caller names it
	Head    registry.Head // the state exported
	Roots   []cid.Cid     // the roots the header names
	Blocks  int           // blocks written
	Bytes   int64         // block bytes written
	Record  bool          // the head's record is the last block and the second root
	Partial bool          // only the blocks of some releases
	// Releases counts the specs a partial export was asked for.
	Releases int
}

// String describes the export on one line, as `svcreg export` prints it:
// what was exported, of which state, how many blocks and bytes, and
// where to.
func (e Exported) String() string {
	what := "the whole registry"
	if e.Partial {
		what = fmt.Sprintf("%d release(s)", e.Releases)
	}
	return fmt.Sprintf("exported %s, seq %d of %s: %d blocks (%s) to %s", what, e.Head.Seq, e.Head.Name, e.Blocks, bytesize.Format(e.Bytes), e.File)
}

// Export writes reg's state head to w as a CARv1 file, reading blocks
// from src. Without o.Specs: the whole DAG under the head, in the order
// of `ipfs dag export <root>`. With specs: for each, the blocks on the
// way to its service (registry.ReleasePath) and its release's content.
// The head's signed record follows as a raw block, listed as a second
// root, unless o.NoRecord.
func Export(ctx context.Context, w io.Writer, reg *registry.Registry, src registry.Blocks, head registry.Head, o ExportOptions) (Exported, error) {
	out := Exported{Head: head, Roots: []cid.Cid{head.Root}, Record: !o.NoRecord, Partial: len(o.Specs) > 0, Releases: len(o.Specs)}
	rc, err := RecordCID(head.Record)
	if err != nil {
		return out, err
	}
	if out.Record {
		out.Roots = append(out.Roots, rc)
	}
	cw, err := NewWriter(w, out.Roots, src)
	if err != nil {
		return out, err
	}
	cw.Progress = o.Progress
	if err := exportBlocks(ctx, reg, cw, head, o.Specs); err != nil {
		return out, err
	}
	if out.Record {
		if err := cw.Put(ctx, rc, head.Record); err != nil {
			return out, err
		}
	}
	out.Blocks, out.Bytes = cw.Stats()
	return out, cw.Close()
}

// exportBlocks writes the whole DAG under the head, or for each spec the
// blocks on the way to its service and its release's content.
func exportBlocks(ctx context.Context, reg *registry.Registry, cw *Writer, head registry.Head, specs []manifest.Spec) error {
	if len(specs) == 0 {
		return cw.DAG(ctx, head.Root, nil)
	}
	for _, s := range specs {
		info, err := reg.Info(ctx, s)
		if err != nil {
			return err
		}
		path, err := reg.ReleasePath(ctx, info.Service, info.Version)
		if err != nil {
			return err
		}
		for _, k := range path {
			if err := cw.Block(ctx, k); err != nil {
				return err
			}
		}
		if err := cw.DAG(ctx, info.Release.Content, nil); err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON writes e as svcreg export --json does.
func (e Exported) MarshalJSON() ([]byte, error) {
	roots := []string{}
	for _, r := range e.Roots {
		roots = append(roots, r.String())
	}
	return json.Marshal(struct {
		File     string   `json:"file"`
		Registry string   `json:"registry"`
		Root     string   `json:"root"`
		Seq      uint64   `json:"seq"`
		Roots    []string `json:"roots"`
		Blocks   int      `json:"blocks"`
		Bytes    int64    `json:"bytes"`
		Record   bool     `json:"record"`
		Partial  bool     `json:"partial"`
	}{e.File, e.Head.Name, e.Head.Root.String(), e.Head.Seq, roots, e.Blocks, e.Bytes, e.Record, e.Partial})
}
