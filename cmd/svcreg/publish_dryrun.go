package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// dryRunOut is the --json output of publish --dry-run.
type dryRunOut struct {
	DryRun   bool   `json:"dry_run"`
	Service  string `json:"service"`
	Version  string `json:"version"`
	CID      string `json:"cid"`
	Size     uint64 `json:"size"`
	Profile  string `json:"profile"`
	Registry string `json:"registry"` // empty: the home has no registry
	Changed  bool   `json:"changed"`  // a publish would record a new release
	Seq      uint64 `json:"seq"`      // the state a publish would create
	// Skipped lists what a publish would leave out and why.
	Skipped []skippedOut `json:"skipped"`
}

// runPublishDryRun hashes dir without storing it and reports what a
// publish would change. It creates nothing in the home and signs nothing.
func runPublishDryRun(c *cli.Context, name manifest.Name, v manifest.Version, dir string, opts unixfs.Options, skipped *[]unixfs.Skipped) error {
	m, update := importMeter(c, "hashing", dir, opts.Hidden)
	opts.Progress = update
	res, err := unixfs.Hash(c.Context, dir, opts)
	m.Finish()
	if err != nil {
		return importErr(err)
	}
	out := dryRunOut{DryRun: true, Service: string(name), Version: v.String(), CID: res.Root.String(),
		Size: res.Size, Profile: opts.Profile, Skipped: skippedJSON(*skipped)}
	note, err := planPublish(c, &out, registry.Publication{
		Service: name, Version: v, Content: res.Root, Size: res.Size, Profile: opts.Profile, Hidden: opts.Hidden,
	})
	if err != nil {
		return err
	}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s@%s %s\n", name, v, res.Root)
		reportSkipped(c, *skipped, true)
		fmt.Fprintf(c.App.ErrWriter, "svcreg: dry run: %s; nothing was stored or signed\n", note)
	})
}

// planPublish fills in what publishing p would change in the home's
// registry, if it has one, and returns a sentence saying so.
func planPublish(c *cli.Context, out *dryRunOut, p registry.Publication) (string, error) {
	dir, err := homeDir(c)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(svchome.Layout(dir).KeyPath()); errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf("%s has no registry ('svcreg init' makes one)", dir), nil
	}
	h, err := openHome(c, false)
	if err != nil {
		return "", err
	}
	defer h.Close()
	head, changed, err := h.reg.PublishDryRun(c.Context, []registry.Publication{p})
	if errors.Is(err, registry.ErrNoHead) {
		return fmt.Sprintf("%s has no registry state yet ('svcreg init' makes one)", dir), nil
	}
	if err != nil {
		return "", err
	}
	out.Registry, out.Changed = head.Name, changed
	if !changed {
		return fmt.Sprintf("%s@%s is already published with this content; nothing would change", p.Service, p.Version), nil
	}
	out.Seq = head.Seq + 1
	return fmt.Sprintf("publish would record %s@%s -> %s (%d bytes, %s) as state %d", p.Service, p.Version, p.Content, p.Size, p.Profile, out.Seq), nil
}
