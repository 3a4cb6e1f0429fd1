package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
)

// errKuboAhead is returned when the kubo node serves a newer state of the
// registry than the home has.
var errKuboAhead = errors.New("the node serves a newer state")

// errImportEnded stops the CAR writer when the node stopped reading.
var errImportEnded = errors.New("the node stopped reading")

func newPushCommand() *cli.Command {
	return &cli.Command{
		Name:  "push",
		Usage: "send the registry's blocks and signed IPNS record to a kubo node",
		Description: `Sends the registry's DAG (every state, every release's content) to a kubo
node with 'dag import', then its signed IPNS record with 'name put', so that
the node and its gateway serve /ipns/<registry>/…. Blocks go before the record,
so the node never points at content it lacks.

With --pin the manifest root is pinned recursively, which keeps the whole
registry and its history on the node; later pushes move that pin with
'pin update' and send only the blocks that are new since the pinned state.
Without --pin every push sends the whole DAG (kubo skips blocks it has).

Works for the home's own registry and for followed ones (--registry), e.g. to
mirror a registry on one's own node.

Examples:
   svcreg push --kubo http://127.0.0.1:5001 --pin
   svcreg push --kubo http://127.0.0.1:5001 --registry main --json`,
		Flags: withCommon(append(targetFlags(),
			&cli.StringFlag{Name: "kubo", Value: "http://127.0.0.1:5001", EnvVars: []string{"SVCREG_KUBO"}, Usage: "the kubo node's RPC API `URL`"},
			&cli.BoolFlag{Name: "pin", Usage: "pin the manifest root (the whole registry) on the node"},
		)...),
		Action: runPush,
	}
}

type pushOut struct {
	Registry    string `json:"registry"`
	Root        string `json:"root"`
	Seq         uint64 `json:"seq"`
	Kubo        string `json:"kubo"`
	Blocks      uint64 `json:"blocks"`
	Bytes       uint64 `json:"bytes"`
	Incremental bool   `json:"incremental"`
	From        uint64 `json:"from_seq"` // the node's state before, when known
	Pinned      bool   `json:"pinned"`
	Record      string `json:"record"` // "stored" or "unchanged"
}

func runPush(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	k, err := kubo.New(c.String("kubo"), nil)
	if err != nil {
		return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API)")
	}
	h, err := openTarget(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.reg.Head(c.Context)
	if err != nil {
		return err
	}
	if _, err := ipns.Verify(head.Name, head.Record, time.Time{}); err != nil {
		return withHint(fmt.Errorf("push seq %d of %s: %w", head.Seq, head.Name, err),
			"the head's record is no longer valid: a new change (publish, tag, yank) signs a fresh one")
	}
	out := pushOut{Registry: head.Name, Root: head.Root.String(), Seq: head.Seq, Kubo: k.String(), Record: "stored"}
	base, baseSeq := nodeState(c.Context, k, h.readBlocks(), head.Name)
	switch {
	case baseSeq > head.Seq:
		return withHint(fmt.Errorf("%w: %s serves seq %d of %s, this home has seq %d", errKuboAhead, k, baseSeq, head.Name, head.Seq),
			"bring this home up to date first, e.g. svcreg resolve NAME --refresh --gateway <the node's gateway>")
	case baseSeq > 0:
		out.From = baseSeq
	}
	incremental := c.Bool("pin") && baseSeq > 0 && inHistory(c.Context, h.reg, base, baseSeq)
	if incremental {
		incremental, err = k.Pinned(c.Context, base)
		if err != nil {
			return err
		}
	}
	if err := sendBlocks(c, k, h, head, base, incremental, &out); err != nil {
		return err
	}
	if c.Bool("pin") {
		if err := pinHead(c, k, h, head, base, incremental, &out); err != nil {
			return err
		}
	}
	if err := putRecord(c.Context, k, head, &out); err != nil {
		return err
	}
	return emit(c, out, func(w io.Writer) {
		how := "whole DAG"
		if out.Incremental {
			how = fmt.Sprintf("new since seq %d", out.From)
		}
		fmt.Fprintf(w, "pushed seq %d of %s to %s: %d blocks (%s, %s)", out.Seq, out.Registry, out.Kubo, out.Blocks, humanBytes(int64(out.Bytes)), how)
		if out.Pinned {
			fmt.Fprint(w, ", pinned")
		}
		fmt.Fprintf(w, "; record %s\n", out.Record)
	})
}

// nodeState returns the manifest root the node serves for the registry
// and its seq, read from the node's own copy of the manifest block
// (checked against its CID and the registry name); zero when unknown.
func nodeState(ctx context.Context, k *kubo.Client, local registry.Blocks, name string) (cid.Cid, uint64) {
	root, err := k.Resolve(ctx, name)
	if err != nil {
		return cid.Undef, 0
	}
	data, err := k.Block(ctx, root)
	if err != nil || manifest.CheckBlock(root, data) != nil {
		if data, err = local.Get(ctx, root); err != nil {
			return cid.Undef, 0
		}
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil || m.Registry != name {
		return cid.Undef, 0
	}
	return root, m.Seq
}

// inHistory reports whether root is the registry's state seq.
func inHistory(ctx context.Context, reg *registry.Registry, root cid.Cid, seq uint64) bool {
	head, err := reg.Head(ctx)
	if err != nil || seq > head.Seq {
		return false
	}
	log, err := reg.Log(ctx, int(head.Seq-seq)+1)
	return err == nil && len(log) > 0 && log[len(log)-1].Seq == seq && log[len(log)-1].Root.Equals(root)
}

// sendBlocks streams the DAG under the head to the node's dag/import,
// leaving out, when incremental, every block of the base state.
func sendBlocks(c *cli.Context, k *kubo.Client, h *home, head registry.Head, base cid.Cid, incremental bool, out *pushOut) error {
	var skip func(cid.Cid) bool
	if incremental {
		have, err := car.Reachable(c.Context, h.readBlocks(), base, func(k cid.Cid) bool { return k.Prefix().Codec == cid.DagCBOR })
		if err != nil {
			return err
		}
		skip = func(k cid.Cid) bool { return have[k] }
	}
	update, done := progress(c, "pushing")
	defer done()
	pr, pw := io.Pipe()
	werr := make(chan error, 1)
	go func() {
		w, err := car.NewWriter(pw, []cid.Cid{head.Root}, h.readBlocks())
		if err == nil {
			w.Progress = update
			if err = w.DAG(c.Context, head.Root, skip); err == nil {
				err = w.Close()
			}
		}
		pw.CloseWithError(err)
		werr <- err
	}()
	imported, err := k.Import(c.Context, pr)
	pr.CloseWithError(errImportEnded)
	if e := <-werr; e != nil && !errors.Is(e, errImportEnded) {
		return fmt.Errorf("push %s: %w", head.Root, e) // a local problem, the cause
	}
	if err != nil {
		return err
	}
	out.Blocks, out.Bytes, out.Incremental = imported.Blocks, imported.Bytes, incremental
	return nil
}

// pinHead pins the head's root: it moves the pin from the base state when
// that one was pinned, else pins afresh. If an incremental push left the
// node without every block, it sends the whole DAG and pins again.
func pinHead(c *cli.Context, k *kubo.Client, h *home, head registry.Head, base cid.Cid, incremental bool, out *pushOut) error {
	var err error
	switch {
	case incremental && base.Equals(head.Root):
		// pinned already, by an earlier push of this state
	case incremental:
		err = k.UpdatePin(c.Context, base, head.Root)
	default:
		err = k.Pin(c.Context, head.Root, "svcreg "+head.Name)
	}
	if err != nil && incremental {
		warnf(c, "pin update failed (%v); sending the whole DAG", err)
		if err = sendBlocks(c, k, h, head, base, false, out); err == nil {
			err = k.Pin(c.Context, head.Root, "svcreg "+head.Name)
		}
	}
	if err != nil {
		return fmt.Errorf("pin %s: %w", head.Root, err)
	}
	out.Pinned = true
	return nil
}

// putRecord stores the head's record on the node. A node that already
// holds this sequence is fine; one that holds a newer one is a conflict.
func putRecord(ctx context.Context, k *kubo.Client, head registry.Head, out *pushOut) error {
	err := k.PutRecord(ctx, head.Name, head.Record)
	var se *kubo.SeqError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Have == head.Seq:
		out.Record = "unchanged"
		return nil
	case errors.As(err, &se):
		return withHint(fmt.Errorf("%w: %s holds seq %d of %s, this home has seq %d", errKuboAhead, k, se.Have, head.Name, head.Seq),
			"bring this home up to date first, e.g. svcreg resolve NAME --refresh --gateway <the node's gateway>")
	}
	return err
}
