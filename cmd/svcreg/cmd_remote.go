package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

func newRemoteCommand() *cli.Command {
	return &cli.Command{
		Name:  "remote",
		Usage: "follow registries published by others: add, list, remove",
		Description: `A remote is a NAME for a registry (its k51… IPNS name) and the trustless
gateways to fetch it from. Commands that read a registry take --registry NAME
(or the k51… name itself); the default remote is used when the home has no key
of its own. Remotes live in $SVCREG_HOME/config.json.

Examples:
   svcreg remote add main k51qzi5uqu5d… --gateway https://ipfs.example --default
   svcreg resolve 'tts@^1'                  # from the default remote
   svcreg get tts@1 --registry main -o out
   svcreg remote ls
   svcreg remote rm main`,
		Subcommands: []*cli.Command{
			{
				Name: "add", Usage: "follow a registry under NAME", ArgsUsage: "NAME K51…",
				Description: `Examples:
   svcreg remote add main k51qzi5uqu5d… --gateway https://ipfs.example --default
   svcreg remote add mirror k51qzi5uqu5d… --gateway http://127.0.0.1:8080 --gateway https://ipfs.example`,
				Flags: withCommon(
					&cli.StringSliceFlag{Name: "gateway", Usage: "trustless gateway `URL`; repeat for several"},
					&cli.BoolFlag{Name: "default", Usage: "make it the registry commands read when none is named"},
				),
				Action: runRemoteAdd,
			},
			{Name: "ls", Aliases: []string{"list"}, Usage: "list the remotes", Flags: withCommon(), Action: runRemoteList,
				Description: "Examples:\n   svcreg remote ls\n   svcreg remote ls --json"},
			{Name: "rm", Aliases: []string{"remove"}, Usage: "stop following a remote (its cached data stays)", ArgsUsage: "NAME", Flags: withCommon(), Action: runRemoteRemove,
				Description: "Examples:\n   svcreg remote rm main"},
		},
	}
}

type remoteOut struct {
	Name     string   `json:"name"`
	Registry string   `json:"registry"`
	Gateways []string `json:"gateways"`
	Default  bool     `json:"default"`
}

func runRemoteAdd(c *cli.Context) error {
	if err := needArgs(c, 2, 2, "NAME K51…"); err != nil {
		return err
	}
	name := c.Args().Get(0)
	if err := checkRemoteName(name); err != nil {
		return usageErr(err, "remote names are short words like main or acme")
	}
	// a k51… name, or a domain with DNSLink: kept as its k51… name
	reg, err := target.New(target.Config{DNSLink: dnsLinkConfig(c)}).Name(c.Context, c.Args().Get(1))
	if err != nil {
		return dnsLinkErr(err)
	}
	r := remoteConfig{Registry: reg.String()}
	for _, g := range c.StringSlice("gateway") {
		u, err := remote.ParseURL(g)
		if err != nil {
			return usageErr(err, "gateway URLs look like https://gateway.example or http://127.0.0.1:8080")
		}
		r.Gateways = append(r.Gateways, u)
	}
	dir, cfg, err := openConfig(c)
	if err != nil {
		return err
	}
	if err := writableHome(dir, readOnlyHome(dir)); err != nil {
		return err
	}
	if old, ok := cfg.Remotes[name]; ok && !reflect.DeepEqual(old, r) {
		return withHint(fmt.Errorf("%w: %s is %s", errRemoteExists, name, old.Registry), "run 'svcreg remote rm "+name+"' first")
	}
	if cfg.Remotes == nil {
		cfg.Remotes = map[string]remoteConfig{}
	}
	cfg.Remotes[name] = r
	cfg.setName(name, reg)
	if c.Bool("default") {
		cfg.Default = name
	}
	if err := cfg.save(dir); err != nil {
		return err
	}
	out := remoteOut{Name: name, Registry: r.Registry, Gateways: nonNil(r.Gateways), Default: cfg.Default == name}
	return emit(c, out, func(w io.Writer) { fmt.Fprintln(w, remoteLine(out)) })
}

func runRemoteList(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	_, cfg, err := openConfig(c)
	if err != nil {
		return err
	}
	out := []remoteOut{}
	for _, n := range cfg.names() {
		r := cfg.Remotes[n]
		out = append(out, remoteOut{Name: n, Registry: r.Registry, Gateways: nonNil(r.Gateways), Default: cfg.Default == n})
	}
	return emit(c, out, func(w io.Writer) {
		for _, r := range out {
			fmt.Fprintln(w, remoteLine(r))
		}
	})
}

func runRemoteRemove(c *cli.Context) error {
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
	if _, ok := cfg.Remotes[name]; !ok {
		return withHint(fmt.Errorf("%w: %s", errRemoteNotFound, name), "run 'svcreg remote ls' to see the remotes")
	}
	delete(cfg.Remotes, name)
	if cfg.Default == name {
		cfg.Default = ""
	}
	if err := cfg.save(dir); err != nil {
		return err
	}
	return emit(c, map[string]string{"removed": name}, func(w io.Writer) { fmt.Fprintf(w, "removed %s\n", name) })
}

// openConfig returns the home directory and its config; config.save
// creates the home when there is none.
func openConfig(c *cli.Context) (string, *config, error) {
	dir, err := homeDir(c)
	if err != nil {
		return "", nil, err
	}
	cfg, err := loadConfig(dir)
	return dir, cfg, err
}

func remoteLine(r remoteOut) string {
	line := r.Name + " " + r.Registry
	if len(r.Gateways) > 0 {
		line += " " + strings.Join(r.Gateways, " ")
	}
	if r.Default {
		line += " (default)"
	}
	return line
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
