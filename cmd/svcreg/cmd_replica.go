package main

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/target"
)

// errReplicaNotFound is returned for a replica NAME that is not configured.
var errReplicaNotFound = errors.New("no such replica")

func newReplicaCommand() *cli.Command {
	return &cli.Command{
		Name:  "replica",
		Usage: "kubo nodes that keep a copy of this home's registry: add, list, remove",
		Description: `A replica is a kubo node that 'svcreg republish' and 'svcreg serve' push the
registry to after every change and every re-signing: the blocks it lacks, then
the signed record (with --pin, the whole registry stays pinned there, the pin
moving as the head moves). Replicas live in $SVCREG_HOME/config.json; what each
last took is kept in the index. ('svcreg remote' is the other direction:
registries this home follows.)

Examples:
   svcreg replica add backup --kubo http://kubo-1.internal:5001 --pin
   svcreg replica ls
   svcreg replica rm backup`,
		Subcommands: []*cli.Command{
			{
				Name: "add", Usage: "push the registry to a kubo node from now on", ArgsUsage: "NAME --kubo URL",
				Description: "Examples:\n   svcreg replica add backup --kubo http://kubo-1.internal:5001 --pin",
				Flags: withCommon(
					&cli.StringFlag{Name: "kubo", Required: true, Usage: "the node's RPC API `URL`"},
					&cli.BoolFlag{Name: "pin", Usage: "keep the whole registry pinned on the node"},
				),
				Action: runReplicaAdd,
			},
			{Name: "ls", Aliases: []string{"list"}, Usage: "list the replicas, their last success, failure and lag", Flags: withCommon(), Action: runReplicaList,
				Description: "Examples:\n   svcreg replica ls\n   svcreg replica ls --json"},
			{Name: "rm", Aliases: []string{"remove"}, Usage: "stop pushing to a replica (its copy stays)", ArgsUsage: "NAME", Flags: withCommon(), Action: runReplicaRemove,
				Description: "Examples:\n   svcreg replica rm backup"},
		},
	}
}

type replicaOut struct {
	Name        string `json:"name"`
	Kubo        string `json:"kubo"`
	Pin         bool   `json:"pin"`
	LastSuccess string `json:"last_success"` // RFC 3339, "" when never
	LastFailure string `json:"last_failure"` // RFC 3339, "" when never
	LastError   string `json:"last_error"`
	Seq         uint64 `json:"seq"` // the sequence it last took, 0 when none
	Lag         uint64 `json:"lag"` // sequences behind the head
}

func runReplicaAdd(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "NAME"); err != nil {
		return err
	}
	name := c.Args().First()
	if !isRemoteName(name) {
		return usageErr(fmt.Errorf("replica name %q: use 1-63 of a-z 0-9 . _ -", name), "replica names are short words like backup or kubo-1")
	}
	k, err := kubo.New(c.String("kubo"), nil)
	if err != nil {
		return usageErr(err, "pass --kubo http://HOST:PORT, the node's API address (Addresses.API); URLs follow the rule of 'svcreg remote add --gateway'")
	}
	dir, cfg, err := openConfig(c)
	if err != nil {
		return err
	}
	if err := writableHome(dir, readOnlyHome(dir)); err != nil {
		return err
	}
	if cfg.Replicas == nil {
		cfg.Replicas = map[string]replicaConfig{}
	}
	cfg.Replicas[name] = replicaConfig{Kubo: k.String(), Pin: c.Bool("pin")}
	if err := cfg.save(dir); err != nil {
		return err
	}
	out := replicaOut{Name: name, Kubo: k.String(), Pin: c.Bool("pin")}
	return emit(c, out, func(w io.Writer) { fmt.Fprintf(w, "replica %s %s\n", name, k) })
}

func runReplicaList(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openOwnFollower(c)
	if err != nil {
		return err
	}
	defer h.Close()
	cfg, err := loadConfig(h.dir)
	if err != nil {
		return err
	}
	head, err := h.reg.Head(c.Context)
	if err != nil {
		return err
	}
	out := []replicaOut{}
	for _, name := range slices.Sorted(maps.Keys(cfg.Replicas)) {
		r := cfg.Replicas[name]
		st, err := h.net.follower.ReplicaState(c.Context, name)
		if err != nil {
			return err
		}
		o := replicaOut{Name: name, Kubo: r.Kubo, Pin: r.Pin, LastError: st.LastError, Seq: st.Seq, Lag: head.Seq - min(st.Seq, head.Seq)}
		if !st.LastSuccess.IsZero() {
			o.LastSuccess = st.LastSuccess.UTC().Format(time.RFC3339)
		}
		if !st.LastFailure.IsZero() {
			o.LastFailure = st.LastFailure.UTC().Format(time.RFC3339)
		}
		out = append(out, o)
	}
	return emit(c, out, func(w io.Writer) {
		for _, o := range out {
			fmt.Fprintf(w, "%s %s pin=%t seq=%d lag=%d last-success=%s last-failure=%s\n", o.Name, o.Kubo, o.Pin, o.Seq, o.Lag,
				orDash(o.LastSuccess), orDash(o.LastFailure))
		}
	})
}

func runReplicaRemove(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "NAME"); err != nil {
		return err
	}
	name := c.Args().First()
	dir, cfg, err := openConfig(c)
	if err != nil {
		return err
	}
	if err := writableHome(dir, readOnlyHome(dir)); err != nil {
		return err
	}
	if _, ok := cfg.Replicas[name]; !ok {
		return withHint(fmt.Errorf("%w: %s", errReplicaNotFound, name), "run 'svcreg replica ls' to see the replicas")
	}
	delete(cfg.Replicas, name)
	if err := cfg.save(dir); err != nil {
		return err
	}
	if h, err := openOwnFollower(c); err == nil {
		h.net.follower.ForgetReplica(c.Context, name)
		h.Close()
	}
	return emit(c, map[string]string{"removed": name}, func(w io.Writer) { fmt.Fprintf(w, "removed %s\n", name) })
}

// replicas returns the configured replicas as the library's.
func (cfg *config) replicas() ([]follow.Replica, error) {
	var out []follow.Replica
	for _, name := range slices.Sorted(maps.Keys(cfg.Replicas)) {
		r := cfg.Replicas[name]
		k, err := kubo.New(r.Kubo, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, follow.Replica{Name: name, Kubo: k, Pin: r.Pin})
	}
	return out, nil
}

// openOwnFollower opens the home's own registry (its key is required)
// through the library's Follower, with no upstreams: the index is held
// per operation, never while a replica is busy.
func openOwnFollower(c *cli.Context) (*home, error) {
	h, err := openBlocks(c)
	if err != nil {
		return nil, err
	}
	key, err := loadKey(h.dir)
	if err == nil {
		h.key = key
		err = h.follow(c, target.Target{Name: key.RegistryName(), Own: true})
	}
	if err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
