package home

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Proposed is a change Propose wrote to a change file, and what it does.
type Proposed struct {
	Change  *registry.Change
	Summary *registry.ChangeSummary
}

// Propose builds a change of the home's own registry with build, from
// its current head, without moving the head or signing a record (the
// keys given, if any, sign the new manifest), and writes it to the
// change file out (car.WriteChange, with the blocks of the releases it
// adds), atomically; a device or FIFO is written in place
// (atomicfile.WriteOutput). It returns nil when build changes nothing.
func (h *Home) Propose(ctx context.Context, out string, keys []registry.PublishKey,
	build func(context.Context, *registry.Proposer) (*registry.Change, error)) (*Proposed, error) {
	reg, err := h.Registry()
	if err != nil {
		return nil, err
	}
	reg.UsePublishKeys(keys...)
	ch, err := build(ctx, reg.Proposer())
	if err != nil || ch == nil {
		return nil, err
	}
	sum, err := ch.Summarize(ctx)
	if err != nil {
		return nil, err
	}
	err = atomicfile.WriteOutput(out, 0o644, func(w io.Writer) error {
		return car.WriteChange(ctx, w, ch, h.blocks, func(cw *car.Writer) error {
			for _, c := range ch.Content {
				if err := cw.DAG(ctx, c, nil); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("write change %s: %w", out, err)
	}
	return &Proposed{Change: ch, Summary: sum}, nil
}

// ProposePublish imports d.Dir as Publish does and proposes recording it
// (Propose): the release's blocks are stored in the home and written to
// the change file.
func (h *Home) ProposePublish(ctx context.Context, d PublishDir, out string) (*Published, *Proposed, error) {
	p, err := h.importDir(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	pr, err := h.Propose(ctx, out, d.PublishKeys, func(ctx context.Context, pp *registry.Proposer) (*registry.Change, error) {
		return pp.Publish(ctx, p.Publication)
	})
	if err != nil {
		return nil, nil, err
	}
	p.Changed = pr != nil
	return p, pr, nil
}

// SubmitOptions configure Submit.
type SubmitOptions struct {
	// Lifetime and TTL of the record signed (0: ipns.Signer's defaults).
	Lifetime, TTL time.Duration
	// Limits bound what the releases the change adds expand to
	// (unixfs.CheckRelease), checked before the head moves.
	Limits unixfs.Limits
}

// Submit makes the change in the change file path in the home's own
// registry: it reads the file (car.ReadChange: every block checked),
// says what the change does (registry.Change.Summarize), checks that it
// can be made now (registry.Registry.CheckChange: registry.ErrStaleProposal,
// registry.ErrUntrusted) before storing anything, stores the file's
// blocks and checks the content of the releases it adds without the
// index lock, then takes it and makes the change (registry.Registry.Submit,
// which checks again).
func (h *Home) Submit(ctx context.Context, path string, o SubmitOptions) (registry.Head, *registry.ChangeSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return registry.Head{}, nil, err
	}
	defer f.Close()
	ch, _, err := car.ReadChange(ctx, f)
	if err != nil {
		return registry.Head{}, nil, fmt.Errorf("change %s: %w", path, err)
	}
	sum, err := ch.Summarize(ctx)
	if err != nil {
		return registry.Head{}, nil, fmt.Errorf("change %s: %w", path, err)
	}
	if err := h.RequireWritable(); err != nil {
		return registry.Head{}, nil, err
	}
	read, err := h.Registry()
	if err != nil {
		return registry.Head{}, nil, err
	}
	if _, _, _, err := read.CheckChange(ctx, ch); err != nil {
		return registry.Head{}, sum, err
	}
	if err := h.Lease(); err != nil { // gc keeps the blocks until the head moves
		return registry.Head{}, sum, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return registry.Head{}, sum, err
	}
	if _, err := car.Read(ctx, f, h.blocks, nil); err != nil {
		return registry.Head{}, sum, fmt.Errorf("change %s: %w", path, err)
	}
	for _, e := range sum.Entries {
		if e.Op != registry.OpAdd && e.Op != registry.OpReplace {
			continue
		}
		if _, err := unixfs.CheckRelease(ctx, h.blocks.Blockstore(), e.Content, e.Size, o.Limits); err != nil {
			return registry.Head{}, sum, fmt.Errorf("change %s: %s@%s: %w", path, e.Service, e.Version, err)
		}
	}
	reg, err := h.Signing(o.Lifetime, o.TTL) // the index lock, only now
	if err != nil {
		return registry.Head{}, sum, err
	}
	head, err := reg.Submit(ctx, ch)
	return head, sum, err
}

// ErrNotRegularFile is returned by SignChange for a change file that is
// not a regular file (a device, a FIFO): it is read twice and replaced.
var ErrNotRegularFile = errors.New("not a regular file")

// SignChange adds k's publish signature to the change file path
// (registry.Change.Sign), offline: no home is needed. It checks every
// block of the file (car.ReadChange), says what the change does
// (registry.Change.Summarize) before signing, and writes the file anew,
// atomically, with the releases' blocks copied from it (checked again).
// added is false when k had signed before. The summary returned counts
// the new signature.
func SignChange(ctx context.Context, path string, k registry.PublishKey) (sum *registry.ChangeSummary, added bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("change %s: %w", path, ErrNotRegularFile)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	ch, _, err := car.ReadChange(ctx, f)
	if err != nil {
		return nil, false, fmt.Errorf("change %s: %w", path, err)
	}
	if _, err := ch.Summarize(ctx); err != nil {
		return nil, false, fmt.Errorf("change %s: %w", path, err)
	}
	if added, err = ch.Sign(ctx, k); err != nil {
		return nil, false, fmt.Errorf("change %s: %w", path, err)
	}
	if sum, err = ch.Summarize(ctx); err != nil {
		return nil, false, err
	}
	err = atomicfile.Write(path, fi.Mode().Perm(), true, func(w io.Writer) error {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		return car.WriteChange(ctx, w, ch, nil, func(cw *car.Writer) error { return car.CopyContent(ctx, f, cw) })
	})
	if err != nil {
		return nil, false, fmt.Errorf("write change %s: %w", path, err)
	}
	return sum, added, nil
}
