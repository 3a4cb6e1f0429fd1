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
	fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", escapeControls(fmt.Sprintf(format, args...)))
}

// fetchDAG brings the whole DAG under root into the local store through
// the follower (follow.Follower.FetchDAG: the first upstream to deliver it
// complete and verified wins), with progress on a terminal. Gateways that
// failed before one delivered are warnings; when none delivered, the
// error says what each did.
func (h *home) fetchDAG(c *cli.Context, root cid.Cid) error {
	update, done := progress(c, "fetching")
	defer done()
	problems, err := h.net.follower.FetchDAG(c.Context, root, update)
	if err == nil {
		for _, p := range problems {
			warnf(c, "%s", oneLine(p.Error()))
		}
	}
	return err
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
	if err != nil && (ipld.IsNotFound(err) || errors.Is(err, registry.ErrCorruptBlock)) && h.online() && !fetched {
		// Only part of it was here, or a stored block is damaged: fetch
		// the DAG again; verified copies replace damaged ones.
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
