package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
)

func newInitCommand() *cli.Command {
	return &cli.Command{
		Name: "init",
		Flags: withCommon(append(signFlags(),
			&cli.BoolFlag{Name: "force", Usage: "start a new history even for a key that has one elsewhere"},
			&cli.StringFlag{Name: "roles", Usage: "write a root key and a publish key into `DIR` and start the registry with a trust root they sign"},
			passphraseFileFlag())...),
		Action: withArgs(0, 0, "no arguments", runInit),
	}
}

func runInit(c *cli.Context) error {
	pass, err := rolesPassphrase(c)
	if err != nil {
		return err
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.Init(c.Context, svchome.InitOptions{Force: c.Bool("force"), Lifetime: c.Duration("lifetime"), TTL: c.Duration("ttl"),
		Roles: c.String("roles"), Passphrase: pass})
	var fork *registry.ForkError
	var lost *svchome.LostKeyError
	switch {
	case errors.As(err, &fork):
		return &cliError{err: fmt.Errorf("init %w", err), code: exitConflict,
			hint: "bring the head here with 'svcreg import FILE.car' (made by 'svcreg export' where the registry lives) or 'svcreg ls --registry " + fork.Name + " --gateway URL'; 'svcreg init --force' starts a new history anyway"}
	case errors.As(err, &lost):
		return &cliError{err: fmt.Errorf("init: %w", err), code: exitConflict,
			hint: "put the registry's key back with 'svcreg key import FILE' (from 'svcreg key export' or a backup); 'svcreg init --force' makes a new registry anyway"}
	case errors.Is(err, registry.ErrExists):
		fmt.Fprintf(c.App.ErrWriter, "svcreg: registry already initialized in %s\n", h.Dir())
	case err != nil:
		return err
	case c.String("roles") != "":
		how := "--key " + filepath.Join(c.String("roles"), svchome.PublishKeyFile)
		if pass != nil {
			how += " --passphrase-file FILE"
		}
		fmt.Fprintf(c.App.ErrWriter, "svcreg: the root and publish keys are in %s: move it offline; this home keeps only the IPNS key. Publish with %s\n",
			c.String("roles"), how)
	}
	return emit(c, headJSON(head), func(w io.Writer) { fmt.Fprintln(w, head.Name) })
}

// rolesPassphrase returns the passphrase that encrypts the key files of
// init --roles (readPassphrase); --passphrase-file without --roles is a
// usage error, as it would encrypt nothing.
func rolesPassphrase(c *cli.Context) ([]byte, error) {
	if c.String("roles") == "" {
		if c.String("passphrase-file") != "" {
			return nil, usageErr(errors.New("init: --passphrase-file encrypts the key files of --roles DIR, and --roles is not set"),
				"add --roles DIR, or leave out --passphrase-file: the home's own key is never encrypted")
		}
		return nil, nil
	}
	return readPassphrase(c)
}

type headOut struct {
	Name string `json:"name"`
	Root string `json:"root"`
	Seq  uint64 `json:"seq"`
}

func headJSON(h registry.Head) headOut {
	return headOut{Name: h.Name, Root: h.Root.String(), Seq: h.Seq}
}
