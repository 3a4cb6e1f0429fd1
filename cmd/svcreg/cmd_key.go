package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/ipns"
)

func newKeyCommand() *cli.Command {
	return &cli.Command{
		Name:  "key",
		Usage: "export or import the registry's signing key",
		Description: `The key file is a libp2p protobuf ed25519 key, the format 'ipfs key import'
reads. It is written with mode 0600 and never printed.

Examples:
   svcreg key export -o registry.key
   ipfs key import svcreg registry.key
   svcreg export -o registry.car   # the whole history, to move with the key
   svcreg key import registry.key --home /new/home && svcreg import registry.car --home /new/home`,
		Subcommands: []*cli.Command{
			{
				Name: "export", Usage: "write the key to a file (mode 0600)", ArgsUsage: "-o FILE",
				Description: `Examples:
   svcreg key export -o registry.key
   svcreg key export -o registry.key --home /srv/svcreg`,
				Flags:  withCommon(&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "key file to create"}),
				Action: runKeyExport,
			},
			{
				Name: "import", Usage: "make FILE this home's registry key (the home must have none)", ArgsUsage: "FILE",
				Description: `Examples:
   svcreg key import registry.key
   svcreg key import registry.key --home /new/home`,
				Flags:  withCommon(),
				Action: runKeyImport,
			},
		},
	}
}

func runKeyExport(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	dir, err := homeDir(c)
	if err != nil {
		return err
	}
	k, err := loadKey(dir)
	if err != nil {
		return withHint(err, "run 'svcreg init' first, or pass --home DIR")
	}
	if err := k.Save(c.String("output")); err != nil {
		return err
	}
	return emit(c, map[string]string{"name": k.Name(), "file": c.String("output")},
		func(w io.Writer) { fmt.Fprintf(w, "exported the key of %s to %s\n", k.Name(), c.String("output")) })
}

func runKeyImport(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "FILE"); err != nil {
		return err
	}
	data, err := os.ReadFile(c.Args().First())
	if err != nil {
		return err
	}
	k, err := ipns.ParseKey(data)
	if err != nil {
		return usageErr(fmt.Errorf("%s is not a registry key: %w", c.Args().First(), err),
			"key import takes a file written by 'svcreg key export' or 'ipfs key export' (an ed25519 key)")
	}
	dir, err := homeDir(c)
	if err != nil {
		return err
	}
	if err := writableHome(dir, readOnlyHome(dir)); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := k.Save(filepath.Join(dir, keyFile)); err != nil {
		return withHint(err, "this home already has a key; use another --home")
	}
	return emit(c, map[string]string{"name": k.Name()},
		func(w io.Writer) { fmt.Fprintf(w, "%s\n", k.Name()) })
}
