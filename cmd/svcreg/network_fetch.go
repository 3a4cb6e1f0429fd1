package main

import (
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// warnf prints a warning on standard error.
func warnf(c *cli.Context, format string, args ...any) {
	fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: "+format+"\n", args...)
}

// fetchDAG brings the whole DAG under root into the local store, as one
// CAR from the first gateway that delivers it complete; every block is
// checked against its CID and against the DAG's links before it is kept.
func (h *home) fetchDAG(c *cli.Context, root cid.Cid) error {
	update, done := progress(c, "fetching")
	defer done()
	var blocks int
	var bytes int64
	var problems []error
	for _, g := range h.net.gateways {
		err := g.DAG(c.Context, root, func(k cid.Cid, data []byte) error {
			blocks++
			bytes += int64(len(data))
			if update != nil {
				update(blocks, bytes)
			}
			return h.blocks.Put(c.Context, k, data)
		})
		if err == nil {
			for _, p := range problems { // the gateways tried before this one
				warnf(c, "%s", oneLine(p.Error()))
			}
			return nil
		}
		if c.Context.Err() != nil {
			return c.Context.Err()
		}
		problems = append(problems, err)
	}
	for _, p := range problems {
		if !isAny(p, registry.ErrUnreachable, registry.ErrBlockNotFound) {
			return fmt.Errorf("fetch %s: %w", root, p)
		}
	}
	return fmt.Errorf("fetch %s: %w: %w", root, registry.ErrUnavailable, errors.Join(problems...))
}

// exportContent writes the UnixFS directory root, a release of size bytes
// of file content, to dst (unixfs.ExportSize checks the size first). For a
// followed registry with gateways, content not stored here is fetched
// first.
func (h *home) exportContent(c *cli.Context, root cid.Cid, size uint64, dst string) error {
	m := newMeter(c, "writing", "blocks")
	m.setTotal(0, int64(size))
	defer m.finish()
	bs := meterBlocks(h.blocks.Blockstore(), m)
	fetched := false
	if h.online() {
		if ok, err := h.blocks.Has(c.Context, root); err != nil {
			return err
		} else if !ok {
			if err := h.fetchDAG(c, root); err != nil {
				return err
			}
			fetched = true
		}
	}
	err := unixfs.ExportSize(c.Context, bs, root, dst, size)
	if err != nil && ipld.IsNotFound(err) && h.online() && !fetched {
		// Only part of it was here: fetch the rest.
		if err := h.fetchDAG(c, root); err != nil {
			return err
		}
		err = unixfs.ExportSize(c.Context, bs, root, dst, size)
	}
	if err != nil && ipld.IsNotFound(err) && h.net != nil && !h.online() {
		return fmt.Errorf("%w: content %s: %w", registry.ErrOffline, root, err)
	}
	return err
}
