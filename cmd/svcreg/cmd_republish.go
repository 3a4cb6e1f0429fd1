package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/kubo"
)

func newRepublishCommand() *cli.Command {
	return &cli.Command{
		Name: "republish",
		Flags: withCommon(
			&cli.BoolFlag{Name: "force", Usage: "re-sign even if the record is not due"},
			&cli.StringSliceFlag{Name: "kubo", Usage: "also push to the kubo node at `URL` (repeatable)"},
			&cli.BoolFlag{Name: "pin", Usage: "pin on the --kubo nodes"},
		),
		Action: withArgs(0, 0, "no arguments", runRepublish),
	}
}

func runRepublish(c *cli.Context) error {
	h, replicas, err := openOwnFollower(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.RequireWritable(); err != nil {
		return err // re-signing stores a record in the index
	}
	for _, u := range c.StringSlice("kubo") {
		k, err := kubo.New(u, nil)
		if err != nil {
			return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API)")
		}
		replicas = append(replicas, follow.Replica{Name: k.String(), Kubo: k, Pin: c.Bool("pin")})
	}
	key, err := h.Key()
	if err != nil {
		return err
	}
	out, err := h.Follower.Republish(c.Context, key, c.Bool("force"), replicas, follow.Retry{})
	if err != nil {
		return err
	}
	for _, rep := range out.Replicas {
		for _, n := range rep.Result.Notes {
			warnf(c, "replica %s: %s", rep.Replica.Name, n)
		}
		if rep.Err != nil {
			warnf(c, "replica %s: %v", rep.Replica.Name, rep.Err)
		}
	}
	if err := emit(c, out, func(w io.Writer) { fmt.Fprint(w, out.Text()) }); err != nil {
		return err
	}
	return out.Err()
}
