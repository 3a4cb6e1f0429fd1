package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

func newRemoteCommand() *cli.Command {
	return &cli.Command{
		Name: "remote",
		Subcommands: []*cli.Command{
			{
				Name: "add", ArgsUsage: "NAME K51…",
				Flags: withCommon(
					&cli.StringSliceFlag{Name: "gateway", Usage: "trustless gateway `URL`; repeat for several"},
					&cli.BoolFlag{Name: "default", Usage: "make it the registry commands read when none is named"},
				),
				Action: withArgs(2, 2, "NAME K51…", runRemoteAdd),
			},
			{Name: "ls", Aliases: []string{"list"}, Flags: withCommon(), Action: withArgs(0, 0, "no arguments", runRemoteList)},
			{Name: "rm", Aliases: []string{"remove"}, ArgsUsage: "NAME", Flags: withCommon(), Action: withArgs(1, 1, "NAME", runRemoteRemove)},
		},
	}
}

func runRemoteAdd(c *cli.Context) error {
	name := c.Args().Get(0)
	if err := svchome.CheckRemoteName(name); err != nil {
		return usageErr(err, "remote names are short words like main or acme")
	}
	// a k51… name, or a domain with DNSLink: kept as its k51… name
	reg, err := target.New(target.Config{DNSLink: dnsLinkConfig(c)}).Name(c.Context, c.Args().Get(1))
	if err != nil {
		return dnsLinkErr(err)
	}
	var out svchome.RemoteInfo
	err = editConfig(c, func(cfg *svchome.Config) (err error) {
		out, err = cfg.AddRemote(name, reg, c.StringSlice("gateway"), c.Bool("default"))
		return err
	})
	switch {
	case errors.Is(err, remote.ErrInvalidURL):
		return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
	case err != nil:
		return err
	}
	return emit(c, out, func(w io.Writer) { fmt.Fprintln(w, out) })
}

func runRemoteList(c *cli.Context) error {
	dir, err := homeDir(c)
	if err != nil {
		return err
	}
	cfg, err := svchome.LoadConfig(dir)
	if err != nil {
		return err
	}
	out := cfg.RemoteList()
	return emit(c, out, func(w io.Writer) {
		for _, r := range out {
			fmt.Fprintln(w, r)
		}
	})
}

func runRemoteRemove(c *cli.Context) error {
	name := c.Args().First()
	if err := editConfig(c, func(cfg *svchome.Config) error { return cfg.RemoveRemote(name) }); err != nil {
		return err
	}
	return emit(c, map[string]string{"removed": name}, func(w io.Writer) { fmt.Fprintf(w, "removed %s\n", name) })
}

// editConfig changes the home's config file with edit
// (svchome.Home.EditConfig, which refuses a read-only home).
func editConfig(c *cli.Context, edit func(*svchome.Config) error) error {
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	return h.EditConfig(edit)
}
