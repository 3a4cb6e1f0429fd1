package main

import (
	"errors"
	"fmt"
	"io"
	"time"

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
		Action: runRepublish,
	}
}

type republishOut struct {
	Registry string        `json:"registry"`
	Seq      uint64        `json:"seq"`
	Resigned bool          `json:"resigned"`
	Expires  string        `json:"expires"`
	Due      string        `json:"due"`
	Replicas []replicaPush `json:"replicas"`
}

type replicaPush struct {
	Name     string `json:"name"`
	Kubo     string `json:"kubo"`
	Attempts int    `json:"attempts"`
	Blocks   uint64 `json:"blocks"`
	Record   string `json:"record"` // stored, unchanged, refused, unreachable or failed (follow.Push*)
	Error    string `json:"error"`  // why, when not stored or unchanged
}

func runRepublish(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openOwnFollower(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.requireWritable(); err != nil {
		return err // re-signing stores a record in the index
	}
	cfg, err := loadConfig(h.dir)
	if err != nil {
		return err
	}
	replicas, err := cfg.replicas()
	if err != nil {
		return err
	}
	for _, u := range c.StringSlice("kubo") {
		k, err := kubo.New(u, nil)
		if err != nil {
			return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API)")
		}
		replicas = append(replicas, follow.Replica{Name: k.String(), Kubo: k, Pin: c.Bool("pin")})
	}
	f := h.net.follower
	r, err := f.Resign(c.Context, h.key, c.Bool("force"))
	if err != nil {
		return err
	}
	out := republishOut{Registry: r.Head.Name, Seq: r.Head.Seq, Resigned: r.Resigned,
		Expires: r.EOL.UTC().Format(time.RFC3339), Due: r.Due.UTC().Format(time.RFC3339), Replicas: []replicaPush{}}
	var errs []error
	for _, rep := range f.Replicate(c.Context, replicas, follow.Retry{}) {
		p := replicaPush{Name: rep.Replica.Name, Kubo: rep.Replica.Kubo.String(), Attempts: rep.Attempts,
			Blocks: rep.Result.Blocks, Record: rep.Outcome()}
		for _, n := range rep.Result.Notes {
			warnf(c, "replica %s: %s", rep.Replica.Name, n)
		}
		if rep.Err != nil {
			p.Error = rep.Err.Error()
			errs = append(errs, fmt.Errorf("replica %s: %w", rep.Replica.Name, rep.Err))
			warnf(c, "replica %s: %v", rep.Replica.Name, rep.Err)
		}
		out.Replicas = append(out.Replicas, p)
	}
	if err := emit(c, out, func(w io.Writer) {
		what := "record valid"
		if out.Resigned {
			what = "re-signed"
		}
		fmt.Fprintf(w, "seq %d of %s: %s until %s (due %s)\n", out.Seq, out.Registry, what, out.Expires, out.Due)
		for _, p := range out.Replicas {
			if p.Error == "" {
				fmt.Fprintf(w, "pushed to %s (%s): %d blocks, record %s\n", p.Name, p.Kubo, p.Blocks, p.Record)
			}
		}
	}); err != nil {
		return err
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d of %d replicas failed: %w", len(errs), len(replicas), errors.Join(errs...))
	}
	return nil
}
