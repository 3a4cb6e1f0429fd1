package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// checkExpansions expands, as get will, every release of the state head
// whose content is stored in bs, and refuses the state when one does not
// add up to the size it records (unixfs.ErrSizeMismatch) or expands
// beyond the default limits (unixfs.ErrTooLarge). Content that is not
// wholly stored, or not readable as UnixFS, is left for get to judge.
func checkExpansions(ctx context.Context, blocks registry.Blocks, bs blockstore.Blockstore, head registry.Head) error {
	r := registry.Reach{Blocks: blocks, KeepHistory: 1, Release: func(service, version string, rel manifest.Release) error {
		_, err := unixfs.CheckRelease(ctx, bs, rel.Content, rel.Size, unixfs.Limits{})
		if errors.Is(err, unixfs.ErrTooLarge) || errors.Is(err, unixfs.ErrSizeMismatch) {
			return fmt.Errorf("seq %d: %s@%s: %w", head.Seq, service, version, err)
		}
		return nil
	}}
	return r.Walk(ctx, head, func(cid.Cid, registry.BlockKind, error) error { return nil })
}
