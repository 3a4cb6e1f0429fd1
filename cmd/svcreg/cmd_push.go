package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/kubo"
)

func newPushCommand() *cli.Command {
	return &cli.Command{
		Name: "push",
		Flags: withCommon(append(targetFlags(),
			&cli.StringFlag{Name: "kubo", Value: "http://127.0.0.1:5001", EnvVars: []string{"SVCREG_KUBO"}, Usage: "the kubo node's RPC API `URL`"},
			&cli.BoolFlag{Name: "pin", Usage: "pin the manifest root (the whole registry) on the node"},
		)...),
		Action: withArgs(0, 0, "no arguments", runPush),
	}
}

func runPush(c *cli.Context) error {
	k, err := kubo.New(c.String("kubo"), nil)
	if err != nil {
		return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API)")
	}
	// The follower holds the index's lock per operation, never while the
	// node is busy.
	h, err := openSession(c, svchome.ReadOptions{Follower: true})
	if err != nil {
		return err
	}
	defer h.Close()
	update, done := progress(c, "pushing")
	res, err := h.Follower.Push(c.Context, k, follow.PushOptions{Pin: c.Bool("pin"), Progress: update})
	done()
	for _, n := range res.Notes {
		warnf(c, "%s", n)
	}
	switch {
	case errors.Is(err, follow.ErrNotLive):
		return withHint(err, "the head's record is no longer valid: a new change (publish, tag, yank) signs a fresh one")
	case errors.Is(err, follow.ErrNodeAhead):
		return withHint(err, "bring this home up to date first, e.g. svcreg resolve NAME --refresh --gateway <the node's gateway>")
	case err != nil:
		return err
	}
	if h.Target.Own {
		if err := pushFinalRecords(c, h, k); err != nil {
			return err
		}
	}
	return emit(c, res, func(w io.Writer) { fmt.Fprintln(w, res) })
}
