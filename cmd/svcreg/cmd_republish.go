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
		Name:  "republish",
		Usage: "re-sign the registry's record if due and push it to every replica",
		Description: `One round of what 'svcreg serve' does for a registry it holds the key of,
for cron: when half of the head's record's lifetime is gone (or with
--force), sign a record for the same sequence and root with a fresh validity,
the lifetime and TTL the last change was published with; then push the head
to every replica ('svcreg replica add') and every --kubo node, all at once,
each tried three times with backoff. One dead replica never holds back the
others. The exit status is 8 when a replica could not be reached, 4 when
one serves a newer state.

Examples:
   svcreg republish
   svcreg republish --force --kubo http://127.0.0.1:5001 --pin`,
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
	if err := emit(c, out, func(w io.Writer) {
		what := "record valid"
		if out.Resigned.Resigned {
			what = "re-signed"
		}
		fmt.Fprintf(w, "seq %d of %s: %s until %s (due %s)\n", out.Head.Seq, out.Head.Name, what, rfc3339(out.EOL), rfc3339(out.Due))
		for _, p := range out.Replicas {
			if p.Err == nil {
				fmt.Fprintf(w, "pushed to %s (%s): %d blocks, record %s\n", p.Replica.Name, p.Replica.Kubo, p.Result.Blocks, p.Outcome())
			}
		}
	}); err != nil {
		return err
	}
	return out.Err()
}
