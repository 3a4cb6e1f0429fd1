package home

import (
	"context"
	"time"

	"github.com/svcreg/svcreg/registry/maint"
	"github.com/svcreg/svcreg/registry/remote"
)

// GCOptions are the choices of Home.GC (maint.GCOptions names the rules).
type GCOptions struct {
	DryRun      bool          // count what would be removed, remove nothing
	KeepHistory int           // keep only the newest N states of each registry (0: all)
	Grace       time.Duration // remove only what was last written longer ago
	// DropUnfollowed keeps only the heads of the registries the home
	// follows (Followed): its own and its remotes'.
	DropUnfollowed bool
}

// GC removes the blocks no kept head reaches, and expired records of
// names not followed (maint.GC). A key that cannot be read is refused,
// as by every command (OwnName), and so is a read-only home
// (*ReadOnlyError) unless DryRun.
func (h *Home) GC(ctx context.Context, o GCOptions) (maint.GCReport, error) {
	if _, err := h.OwnName(); err != nil {
		return maint.GCReport{}, err
	}
	if !o.DryRun {
		if err := h.RequireWritable(); err != nil {
			return maint.GCReport{}, err
		}
	}
	opt := maint.GCOptions{Blocks: h.Blocks(), IndexPath: h.IndexPath(), RecordsDir: h.RecordsDir(),
		DryRun: o.DryRun, KeepHistory: o.KeepHistory, Grace: o.Grace}
	if o.DropUnfollowed {
		keep, err := h.Followed()
		if err != nil {
			return maint.GCReport{}, err
		}
		opt.Keep = keep
	}
	return maint.GC(ctx, opt)
}

// FsckOptions are the choices of Home.Fsck.
type FsckOptions struct {
	// Repair moves corrupt blocks aside, fetches missing ones and
	// rebuilds what the index lost; it needs a writable home.
	Repair bool
	// Gateways are asked for missing blocks before those of the remotes
	// (Sources); Remote configures the clients.
	Gateways []string
	Remote   *remote.Options
}

// Fsck checks the index, the heads and every block they reach
// (maint.Check). Open the home with Options.KeepCorrupt, so that the
// check itself decides what happens to a corrupt block. A key that
// cannot be read is refused (OwnName), and so is Repair in a read-only
// home (*ReadOnlyError).
func (h *Home) Fsck(ctx context.Context, o FsckOptions) (*maint.Report, error) {
	own, err := h.OwnName()
	if err != nil {
		return nil, err
	}
	if o.Repair {
		if err := h.RequireWritable(); err != nil {
			return nil, err
		}
	}
	return maint.Check(ctx, maint.CheckOptions{Blocks: h.Blocks(), IndexPath: h.IndexPath(), Own: own,
		Repair: o.Repair, Sources: h.Sources(o.Gateways, o.Remote)})
}
