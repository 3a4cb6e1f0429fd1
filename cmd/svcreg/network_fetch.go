package main

import (
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// warnf prints a warning on standard error.
func warnf(c *cli.Context, format string, args ...any) {
	fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", escapeControls(fmt.Sprintf(format, args...)))
}

// makeLocal makes the DAG under root complete in the home and checks
// that it is (follow.MakeLocal), fetching what is missing or damaged from
// the followed registry's gateways, with progress on a terminal.
// Gateways that failed before one delivered are warnings.
func (h *home) makeLocal(c *cli.Context, root cid.Cid) error {
	update, done := progress(c, "fetching")
	opt := follow.LocalOptions{Progress: update}
	if h.net != nil {
		opt.From = h.net.follower
	}
	res, err := follow.MakeLocal(c.Context, h.blocks, root, opt)
	done()
	for _, p := range res.Problems {
		warnf(c, "%s", oneLine(p.Error()))
	}
	return err
}

// exportContent writes the UnixFS directory root, a release of size bytes
// of file content, to dst within lim: a size beyond lim is refused before
// anything is fetched, then the content is made local (makeLocal), and
// unixfs.ExportSize checks the size and the expansion before it writes.
func (h *home) exportContent(c *cli.Context, root cid.Cid, size uint64, lim unixfs.Limits, dst string) error {
	if err := lim.CheckSize(size); err != nil {
		return fmt.Errorf("get %s: %w", root, err)
	}
	if err := h.makeLocal(c, root); err != nil {
		return err
	}
	m := newMeter(c, "writing", "files")
	m.SetTotal(0, int64(size))
	defer m.Finish()
	return unixfs.ExportSizeProgress(c.Context, h.blocks.Blockstore(), root, dst, size, lim, m.Update())
}
