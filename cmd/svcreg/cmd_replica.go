package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/follow"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/kubo"
)

func newReplicaCommand() *cli.Command {
	return &cli.Command{
		Name: "replica",
		Subcommands: []*cli.Command{
			{
				Name: "add", ArgsUsage: "NAME --kubo URL",
				Flags: withCommon(
					&cli.StringFlag{Name: "kubo", Required: true, Usage: "the node's RPC API `URL`"},
					&cli.BoolFlag{Name: "pin", Usage: "keep the whole registry pinned on the node"},
				),
				Action: withArgs(1, 1, "NAME", runReplicaAdd),
			},
			{Name: "ls", Aliases: []string{"list"}, Flags: withCommon(), Action: withArgs(0, 0, "no arguments", runReplicaList)},
			{Name: "rm", Aliases: []string{"remove"}, ArgsUsage: "NAME", Flags: withCommon(), Action: withArgs(1, 1, "NAME", runReplicaRemove)},
		},
	}
}

func runReplicaAdd(c *cli.Context) error {
	name := c.Args().First()
	if !svchome.IsRemoteName(name) {
		return usageErr(fmt.Errorf("replica name %q: use 1-63 of a-z 0-9 . _ -", name), "replica names are short words like backup or kubo-1")
	}
	k, err := kubo.New(c.String("kubo"), nil)
	if err != nil {
		return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API); URLs follow the rule of 'svcreg remote add --gateway'")
	}
	if err := editConfig(c, func(cfg *svchome.Config) error { cfg.AddReplica(name, k, c.Bool("pin")); return nil }); err != nil {
		return err
	}
	out := follow.ReplicaStatus{Name: name, Kubo: k.String(), Pin: c.Bool("pin")}
	return emit(c, out, func(w io.Writer) { fmt.Fprintf(w, "replica %s %s\n", name, k) })
}

func runReplicaList(c *cli.Context) error {
	h, replicas, err := openOwnFollower(c)
	if err != nil {
		return err
	}
	defer h.Close()
	out, err := h.Follower.ReplicaStatuses(c.Context, replicas)
	if err != nil {
		return err
	}
	return emit(c, out, func(w io.Writer) {
		for _, o := range out {
			fmt.Fprintln(w, o)
		}
	})
}

func runReplicaRemove(c *cli.Context) error {
	name := c.Args().First()
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.RemoveReplica(c.Context, name); err != nil {
		return err
	}
	return emit(c, map[string]string{"removed": name}, func(w io.Writer) { fmt.Fprintf(w, "removed %s\n", name) })
}

// openOwnFollower opens the home's own registry (its key is required)
// through the library's Follower (Home.Own) and returns the replicas of
// its config file.
func openOwnFollower(c *cli.Context) (*home, []follow.Replica, error) {
	h, err := openBlocks(c)
	if err != nil {
		return nil, nil, err
	}
	s, err := h.Own(c.Context, followOptions(c))
	var cfg *svchome.Config
	if err == nil {
		h.Session = s
		cfg, err = h.Config()
	}
	var replicas []follow.Replica
	if err == nil {
		replicas, err = cfg.ReplicaList()
	}
	if err != nil {
		h.Close()
		return nil, nil, err
	}
	return h, replicas, nil
}
