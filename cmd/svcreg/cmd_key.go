package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/atomicfile"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
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
				Name: "export", Usage: "write the key to a new file (mode 0600), or to standard output", ArgsUsage: "-o FILE",
				Description: `FILE must not exist; a device or FIFO is written in place. FILE "-" is
standard output, written only when it is not a terminal (or with --force).

Examples:
   svcreg key export -o registry.key
   svcreg key export -o registry.key --home /srv/svcreg
   svcreg key export -o - | ssh host svcreg key import -`,
				Flags: withCommon(
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "key file to create (\"-\": standard output)"},
					&cli.BoolFlag{Name: "force", Usage: "write the key to a terminal too"},
				),
				Action: runKeyExport,
			},
			{
				Name: "import", Usage: "make FILE this home's registry key (the home must have none)", ArgsUsage: "FILE",
				Description: `FILE "-" is standard input.

Examples:
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
	k, err := svchome.LoadKey(dir)
	if err != nil {
		return withHint(err, "run 'svcreg init' first, or pass --home DIR")
	}
	out := c.String("output")
	if out == "-" {
		// Standard output holds the key: the note goes to stderr.
		if err := writeKey(c, k, c.App.Writer); err != nil {
			return err
		}
		fmt.Fprintf(c.App.ErrWriter, "svcreg: exported the key of %s to standard output\n", k.Name())
		return nil
	}
	if special, err := atomicfile.Special(out); err != nil {
		return err
	} else if special { // a device or FIFO: written in place, never replaced
		err = atomicfile.WriteInPlace(out, func(w io.Writer) error { return writeKey(c, k, w) })
		if err != nil {
			return err
		}
	} else if err := k.Save(out); err != nil {
		return err
	}
	return emit(c, map[string]string{"name": k.Name(), "file": out},
		func(w io.Writer) { fmt.Fprintf(w, "exported the key of %s to %s\n", k.Name(), out) })
}

// writeKey writes k's key file bytes to w, unless w is a terminal and
// --force is not set: a private key is never shown on screen by accident.
func writeKey(c *cli.Context, k *ipns.Key, w io.Writer) error {
	if isTTY(w) && !c.Bool("force") {
		return usageErr(fmt.Errorf("key export: refusing to write the private key of %s to a terminal", k.Name()),
			"redirect it to a file or a program (svcreg key export -o - > FILE), or pass --force")
	}
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func runKeyImport(c *cli.Context) error {
	if err := needArgs(c, 1, 1, "FILE"); err != nil {
		return err
	}
	data, err := readKeyArg(c.Args().First())
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
	if err := svchome.ImportKey(dir, k); errors.Is(err, ipns.ErrKeyExists) {
		return withHint(err, "this home already has a key; use another --home")
	} else if err != nil {
		return err
	}
	return emit(c, map[string]string{"name": k.Name()},
		func(w io.Writer) { fmt.Fprintf(w, "%s\n", k.Name()) })
}

// readKeyArg reads the key file named by key import's argument; "-" is
// standard input.
func readKeyArg(file string) ([]byte, error) {
	if file != "-" {
		return os.ReadFile(file)
	}
	b, err := io.ReadAll(io.LimitReader(os.Stdin, ipnsname.MaxKeyFileSize+1))
	if err == nil && len(b) > ipnsname.MaxKeyFileSize {
		err = fmt.Errorf("read key from standard input: %w: larger than %d bytes", ipnsname.ErrKeyFile, ipnsname.MaxKeyFileSize)
	}
	return b, err
}
