package main

import (
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
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
// of file content, to dst within lim (unixfs.ExportSize checks the size
// and the expansion first; a size beyond lim is refused before anything
// is fetched). For a followed registry with gateways, content not stored
// here is fetched first.
func (h *home) exportContent(c *cli.Context, root cid.Cid, size uint64, lim unixfs.Limits, dst string) error {
	if err := lim.CheckSize(size); err != nil {
		return fmt.Errorf("get %s: %w", root, err)
	}
	bs := h.contentBlocks()
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
	err := writeContent(c, bs, root, dst, size, lim)
	if err != nil && ipld.IsNotFound(err) && !errors.Is(err, registry.ErrCorruptBlock) && h.online() && !fetched {
		// Only part of it was here: fetch the DAG again. (A damaged block
		// was fetched again as it was read: contentBlocks.)
		if err := h.fetchDAG(c, root); err != nil {
			return err
		}
		err = writeContent(c, bs, root, dst, size, lim)
	}
	if err != nil && ipld.IsNotFound(err) && !errors.Is(err, registry.ErrCorruptBlock) && h.net != nil && !h.online() {
		return fmt.Errorf("%w: content %s: %w", h.net.follower.Unasked(), root, err)
	}
	return err
}

// contentBlocks returns the store release content is read from: the
// local store, which heals when the home follows a registry online
// (follow.NewHealing): a block found damaged is quarantined, fetched
// again from the gateways, checked and kept, and the read goes on.
func (h *home) contentBlocks() blockstore.Blockstore {
	if h.online() {
		return follow.NewHealing(h.blocks, h.net.follower).Blockstore()
	}
	return h.blocks.Blockstore()
}

// writeContent writes the release root of size bytes to dst, showing the
// files and bytes written against the release's size.
func writeContent(c *cli.Context, bs blockstore.Blockstore, root cid.Cid, dst string, size uint64, lim unixfs.Limits) error {
	m := newMeter(c, "writing", "files")
	m.SetTotal(0, int64(size))
	defer m.Finish()
	return unixfs.ExportSizeProgress(c.Context, bs, root, dst, size, lim, m.Update())
}
