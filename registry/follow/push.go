package follow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
)

// PushOptions configure Follower.Push.
type PushOptions struct {
	Pin      bool                          // pin the manifest root (the whole registry) on the node
	Progress func(blocks int, bytes int64) // called as blocks are sent; may be nil
}

// PushResult says what Follower.Push did.
type PushResult struct {
	Head        registry.Head // the state pushed
	Kubo        string        // the node's RPC API address
	Blocks      uint64        // blocks the node imported
	Bytes       uint64        // their bytes
	Incremental bool          // only the blocks new since the node's pinned state were sent
	From        uint64        // the node's seq before, when known
	Pinned      bool
	Record      string // PushStored or PushUnchanged once the node took the record; "" before
	Notes       []string
}

// MarshalJSON writes {registry, root, seq, kubo, blocks, bytes,
// incremental, from_seq, pinned, record}, as svcreg push --json prints it.
func (r PushResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Registry    string `json:"registry"`
		Root        string `json:"root"`
		Seq         uint64 `json:"seq"`
		Kubo        string `json:"kubo"`
		Blocks      uint64 `json:"blocks"`
		Bytes       uint64 `json:"bytes"`
		Incremental bool   `json:"incremental"`
		From        uint64 `json:"from_seq"`
		Pinned      bool   `json:"pinned"`
		Record      string `json:"record"`
	}{r.Head.Name, r.Head.Root.String(), r.Head.Seq, r.Kubo, r.Blocks, r.Bytes, r.Incremental, r.From, r.Pinned, r.Record})
}

// errImportEnded stops the CAR writer when the node stopped reading.
var errImportEnded = errors.New("the node stopped reading")

// Push sends the local head to a kubo node: the blocks it lacks, then
// (with Pin) the pin, moved from the node's last pinned state, and last
// the head's signed record, so the node never points at content it lacks.
// The index is only read (one operation at a time): nothing is locked
// while the node is busy.
//
// Errors: ErrNotLive when the head's record is past its end of life,
// ErrNodeAhead when the node serves a newer state, kubo's errors.
func (f *Follower) Push(ctx context.Context, k *kubo.Client, opts PushOptions) (PushResult, error) {
	head, err := f.reg.Head(ctx)
	if err != nil {
		return PushResult{}, err
	}
	if _, err := ipns.VerifyHead(head, f.cfg.Now()); err != nil {
		return PushResult{}, fmt.Errorf("push seq %d of %s: %w: %w", head.Seq, head.Name, ErrNotLive, err)
	}
	res := PushResult{Head: head, Kubo: k.String()}
	kept, err := f.keptHistory(ctx, head)
	if err != nil {
		return res, fmt.Errorf("push %s: %w", head.Root, err)
	}
	base, baseSeq := f.nodeState(ctx, k)
	switch {
	case baseSeq > head.Seq:
		return res, fmt.Errorf("%w: %s serves seq %d of %s, this home has seq %d", ErrNodeAhead, k, baseSeq, head.Name, head.Seq)
	case baseSeq > 0:
		res.From = baseSeq
	}
	incremental := opts.Pin && baseSeq > 0 && f.inHistory(ctx, base, baseSeq)
	if incremental {
		if incremental, err = k.Pinned(ctx, base); err != nil {
			return res, err
		}
	}
	if err := f.sendBlocks(ctx, k, head, kept, base, incremental, opts.Progress, &res); err != nil {
		return res, err
	}
	if opts.Pin {
		if err := f.pinHead(ctx, k, head, kept, base, incremental, opts.Progress, &res); err != nil {
			return res, err
		}
	}
	return res, putRecord(ctx, k, head, &res)
}

// nodeState returns the manifest root the node serves for the registry
// and its seq, read from the node's own copy of the manifest block
// (checked against its CID and the registry name); zero when unknown.
func (f *Follower) nodeState(ctx context.Context, k *kubo.Client) (cid.Cid, uint64) {
	root, err := k.Resolve(ctx, f.name)
	if err != nil {
		return cid.Undef, 0
	}
	data, err := k.Block(ctx, root)
	if err != nil || manifest.CheckBlock(root, data) != nil {
		if data, err = f.Blocks().Get(ctx, root); err != nil {
			return cid.Undef, 0
		}
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil || m.Registry != f.name {
		return cid.Undef, 0
	}
	return root, m.Seq
}

// inHistory reports whether root is the registry's state seq.
func (f *Follower) inHistory(ctx context.Context, root cid.Cid, seq uint64) bool {
	head, err := f.reg.Head(ctx)
	if err != nil || seq > head.Seq {
		return false
	}
	log, err := f.reg.Log(ctx, int(head.Seq-seq)+1)
	return err == nil && len(log) > 0 && log[len(log)-1].Seq == seq && log[len(log)-1].Root.Equals(root)
}

// sendBlocks makes the DAG under the head local (MakeLocal) and streams
// it to the node's dag/import, leaving out the history beyond the kept
// states and, when incremental, every block of the base state.
func (f *Follower) sendBlocks(ctx context.Context, k *kubo.Client, head registry.Head, kept keptHistory, base cid.Cid, incremental bool,
	progress func(int, int64), res *PushResult) error {
	blocks := f.Blocks()
	skip := kept.skips
	if incremental {
		have, err := car.Reachable(ctx, blocks, base, func(k cid.Cid) bool { return k.Prefix().Codec == cid.DagCBOR && !kept.skips(k) })
		if err != nil {
			return err
		}
		skip = func(k cid.Cid) bool { return have[k] || kept.skips(k) }
	}
	if _, err := MakeLocal(ctx, f.cfg.Blocks, head.Root, LocalOptions{From: f, Skip: skip}); err != nil {
		return fmt.Errorf("push %s: %w", head.Root, err) // never send a DAG the node would find incomplete
	}
	pr, pw := io.Pipe()
	werr := make(chan error, 1)
	go func() {
		w, err := car.NewWriter(pw, []cid.Cid{head.Root}, blocks)
		if err == nil {
			w.Progress = progress
			if err = w.DAG(ctx, head.Root, skip); err == nil {
				err = w.Close()
			}
		}
		pw.CloseWithError(err)
		werr <- err
	}()
	imported, err := k.Import(ctx, pr)
	pr.CloseWithError(errImportEnded)
	if e := <-werr; e != nil && !errors.Is(e, errImportEnded) {
		return fmt.Errorf("push %s: %w", head.Root, e) // a local problem, the cause
	}
	if err != nil {
		return err
	}
	res.Blocks, res.Bytes, res.Incremental = imported.Blocks, imported.Bytes, incremental
	return nil
}

// pinHead pins the head's root: it moves the pin from the base state when
// that one was pinned, else pins afresh. If an incremental push left the
// node without every block, it sends the whole DAG and pins again. When
// the history beyond the kept states is not stored here, a fresh pin
// covers what the kept states reach (pinKept), and a note says so.
func (f *Follower) pinHead(ctx context.Context, k *kubo.Client, head registry.Head, kept keptHistory, base cid.Cid, incremental bool,
	progress func(int, int64), res *PushResult) error {
	pin := func() error {
		if !kept.cut.Defined() {
			return k.Pin(ctx, head.Root, "svcreg "+head.Name)
		}
		res.Notes = append(res.Notes, fmt.Sprintf("the history before seq %d is not stored here (gc --keep-history): pinned seq %d to %d without it",
			kept.oldest(), kept.oldest(), head.Seq))
		return pinKept(ctx, k, head, kept)
	}
	var err error
	switch {
	case incremental && base.Equals(head.Root):
		// pinned already, by an earlier push of this state
	case incremental:
		err = k.UpdatePin(ctx, base, head.Root)
	default:
		err = pin()
	}
	if err != nil && incremental {
		res.Notes = append(res.Notes, fmt.Sprintf("pin update failed (%v); sending the whole DAG", err))
		f.log.Warn("pin update failed", "registry", f.name, "node", k.String(), "err", err)
		if err = f.sendBlocks(ctx, k, head, kept, base, false, progress, res); err == nil {
			err = pin()
		}
	}
	if err != nil {
		return fmt.Errorf("pin %s: %w", head.Root, err)
	}
	res.Pinned = true
	return nil
}

// putRecord stores the head's record on the node. A node that already
// holds this sequence is fine; one that holds a newer one is a conflict.
func putRecord(ctx context.Context, k *kubo.Client, head registry.Head, res *PushResult) error {
	err := k.PutRecord(ctx, head.Name, head.Record)
	var se *kubo.SeqError
	switch {
	case err == nil:
		res.Record = PushStored
		return nil
	case errors.As(err, &se) && se.Have == head.Seq:
		res.Record = PushUnchanged
		return nil
	case errors.As(err, &se):
		return fmt.Errorf("%w: %s holds seq %d of %s, this home has seq %d", ErrNodeAhead, k, se.Have, head.Name, head.Seq)
	}
	return err
}
