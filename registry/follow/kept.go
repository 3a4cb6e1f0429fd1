package follow

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/kubo"
)

// keptHistory is the part of a head's history that a push sends: the
// states stored here, newest first, down to the first one that is not
// (gc --keep-history removed it, or it was never fetched). What the kept
// states reach is sent; the history beyond them is not required.
type keptHistory struct {
	states []keptState
	cut    cid.Cid // the newest state not stored here; undefined when none is missing
}

// keptState is one state of a keptHistory.
type keptState struct {
	root, services cid.Cid
	seq            uint64
}

// keptHistory reads head's states, newest first: the head through the
// Follower's blocks (fetched if need be), older ones from the local store
// only, down to the first that is missing there.
func (f *Follower) keptHistory(ctx context.Context, head registry.Head) (keptHistory, error) {
	var k keptHistory
	blocks := f.Blocks()
	for c := head.Root; c.Defined(); {
		data, err := blocks.Get(ctx, c)
		if errors.Is(err, registry.ErrBlockNotFound) && !c.Equals(head.Root) {
			k.cut = c
			return k, nil
		} else if err != nil {
			return k, fmt.Errorf("read state %s: %w", c, err)
		}
		m, err := manifest.DecodeManifest(data)
		if err != nil {
			return k, fmt.Errorf("read state %s: %w", c, err)
		}
		k.states = append(k.states, keptState{root: c, services: m.Services, seq: m.Seq})
		c, blocks = m.Prev, f.cfg.Blocks
	}
	return k, nil
}

// skips reports whether c is the history beyond the kept states, which a
// push leaves out.
func (k keptHistory) skips(c cid.Cid) bool { return k.cut.Defined() && c.Equals(k.cut) }

// oldest returns the seq of the oldest kept state.
func (k keptHistory) oldest() uint64 { return k.states[len(k.states)-1].seq }

// pinKept pins what the kept states reach when the node cannot pin the
// head recursively (it would need the history beyond them): each kept
// state's manifest block directly and its service index recursively.
func pinKept(ctx context.Context, k *kubo.Client, head registry.Head, kept keptHistory) error {
	for _, s := range kept.states {
		if err := k.PinDirect(ctx, s.root, "svcreg "+head.Name); err != nil {
			return err
		}
		if err := k.Pin(ctx, s.services, "svcreg "+head.Name); err != nil {
			return err
		}
	}
	return nil
}
