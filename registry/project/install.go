package project

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// ServicesDir is where Install writes by default: services/ next to the
// project file.
func (p *Project) ServicesDir() string { return filepath.Join(filepath.Dir(p.Path), "services") }

// Installed is one release Install writes.
type Installed struct {
	Service manifest.Name
	Version manifest.Version
	CID     cid.Cid
	Path    string // the directory it is written to: DIR/NAME
}

// MarshalJSON writes {service, version, cid, path}, as svcreg install
// --json prints it.
func (i Installed) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Service string `json:"service"`
		Version string `json:"version"`
		CID     string `json:"cid"`
		Path    string `json:"path"`
	}{string(i.Service), i.Version.String(), i.CID.String(), i.Path})
}

// LocalError is the error of making a locked release's content local
// (InstallOptions.Local): the release cannot be installed as locked.
type LocalError struct {
	Service manifest.Name
	Err     error
}

func (e *LocalError) Error() string { return e.Err.Error() }
func (e *LocalError) Unwrap() error { return e.Err }

// InstallOptions are the options of Install.
type InstallOptions struct {
	// Limits bound each release: its recorded size and what it expands to.
	Limits unixfs.Limits
	// Local makes a release's content complete in the block store,
	// fetching what is missing (follow.MakeLocal); nil: it must be
	// complete already.
	Local func(ctx context.Context, root cid.Cid) error
	// Progress, when not nil, is called once every release's content is
	// local, before anything is written, with the bytes of file content
	// of all of them; the callback it returns (nil: none) is called as
	// files are written.
	Progress func(total uint64) unixfs.ExportProgress
}

// Install writes exactly the releases l locks into dir, each to
// dir/NAME, verified block by block, and returns them in name order.
// Nothing of dir changes unless every release is complete: first each
// recorded size is checked against opt.Limits (ErrTooLarge, wrapped), then
// each release's content is made local (a *LocalError), then all are
// staged and moved in at once (unixfs.ExportAllSizedProgress, with its
// errors). Other entries of dir are left alone.
func Install(ctx context.Context, bs blockstore.Blockstore, l *manifest.Lock, dir string, opt InstallOptions) ([]Installed, error) {
	trees, sizes := map[string]cid.Cid{}, map[string]uint64{}
	out := []Installed{}
	for _, n := range slices.Sorted(maps.Keys(l.Services)) {
		e := l.Services[n]
		if err := opt.Limits.CheckSize(e.Size); err != nil {
			return nil, fmt.Errorf("install %s: %w", n, err)
		}
		trees[string(n)], sizes[string(n)] = e.CID, e.Size
		out = append(out, Installed{Service: n, Version: e.Version, CID: e.CID, Path: filepath.Join(dir, string(n))})
	}
	if opt.Local != nil {
		for _, i := range out {
			if err := opt.Local(ctx, i.CID); err != nil {
				return nil, &LocalError{Service: i.Service, Err: err}
			}
		}
	}
	var progress unixfs.ExportProgress
	if opt.Progress != nil {
		var total uint64
		for _, sz := range sizes {
			total += sz
		}
		progress = opt.Progress(total)
	}
	if err := unixfs.ExportAllSizedProgress(ctx, bs, dir, trees, sizes, opt.Limits, progress); err != nil {
		return nil, err
	}
	return out, nil
}
