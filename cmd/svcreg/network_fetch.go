package main

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

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

// progress reports the totals of a long transfer on standard error when
// it is a terminal, at most five times a second. done ends the line.
func progress(c *cli.Context, verb string) (update func(blocks int, bytes int64), done func()) {
	w := c.App.ErrWriter
	if !isTerminal(w) {
		return nil, func() {}
	}
	var last atomic.Int64
	var shown atomic.Bool
	line := func(blocks int, bytes int64) string {
		return fmt.Sprintf("\r%s: %d blocks, %s ", verb, blocks, humanBytes(bytes))
	}
	var final atomic.Value
	update = func(blocks int, bytes int64) {
		final.Store(line(blocks, bytes))
		if now := time.Now().UnixMilli(); now-last.Load() >= 200 {
			last.Store(now)
			shown.Store(true)
			io.WriteString(w, line(blocks, bytes))
		}
	}
	return update, func() {
		if s, ok := final.Load().(string); ok && shown.Load() {
			io.WriteString(w, s+"\n")
		}
	}
}

// fetchDAG brings the whole DAG under root into the local store through
// the follower (follow.Follower.FetchDAG), reporting failed gateways as
// warnings and progress on a terminal.
func (h *home) fetchDAG(c *cli.Context, root cid.Cid) error {
	update, done := progress(c, "fetching")
	defer done()
	problems, err := h.net.follower.FetchDAG(c.Context, root, update)
	for _, p := range problems {
		warnf(c, "%s", p)
	}
	return err
}

// exportContent writes the UnixFS directory root to dst. For a followed
// registry with gateways, content not stored here is fetched first.
func (h *home) exportContent(c *cli.Context, root cid.Cid, dst string) error {
	bs := h.blocks.Blockstore()
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
	err := unixfs.Export(c.Context, bs, root, dst)
	if err != nil && (ipld.IsNotFound(err) || errors.Is(err, registry.ErrCorruptBlock)) && h.online() && !fetched {
		// Only part of it was here, or a stored block is damaged: fetch
		// the DAG again; verified copies replace damaged ones.
		if err := h.fetchDAG(c, root); err != nil {
			return err
		}
		err = unixfs.Export(c.Context, bs, root, dst)
	}
	if err != nil && ipld.IsNotFound(err) && h.net != nil && !h.online() {
		return fmt.Errorf("%w: content %s: %w", registry.ErrOffline, root, err)
	}
	return err
}
