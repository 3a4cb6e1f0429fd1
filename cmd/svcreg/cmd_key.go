package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest/trust"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

func newKeyCommand() *cli.Command {
	return &cli.Command{
		Name: "key",
		Subcommands: []*cli.Command{
			{
				Name:      "new",
				ArgsUsage: "--role root|publish -o FILE [--passphrase-file FILE]",
				Flags: withCommon(
					&cli.StringFlag{Name: "role", Required: true, Usage: "what the key is for: root or publish"},
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "key file to create; its public key goes to FILE.pub"},
					passphraseFileFlag(),
				),
				Action: withArgs(0, 0, "no arguments", runKeyNew),
			},
			{
				Name: "export", ArgsUsage: "-o FILE",
				Flags: withCommon(
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "key file to create (\"-\": standard output)"},
					&cli.BoolFlag{Name: "force", Usage: "write the key to a terminal too"},
				),
				Action: withArgs(0, 0, "no arguments", runKeyExport),
			},
			{
				Name: "import", ArgsUsage: "FILE",
				Flags:  withCommon(),
				Action: withArgs(1, 1, "FILE", runKeyImport),
			},
		},
	}
}

// keyNewOut is what key new prints with --json.
type keyNewOut struct {
	Role      string `json:"role"`
	KeyID     string `json:"key_id"`
	File      string `json:"file"`
	Pub       string `json:"pub"`
	Encrypted bool   `json:"encrypted"`
}

func runKeyNew(c *cli.Context) error {
	role, out := c.String("role"), c.String("output")
	if role != trust.RoleRoot && role != trust.RolePublish {
		return usageErr(fmt.Errorf("key new: --role %q: the roles are root and publish", role), "write --role root or --role publish")
	}
	if err := checkNewKeyPath(out); err != nil {
		return err
	}
	pass, err := readPassphrase(c)
	if err != nil {
		return err
	}
	pub, err := svchome.NewRoleKey(out, pass)
	if errors.Is(err, ipns.ErrKeyExists) {
		return withHint(fmt.Errorf("key new: %w", err), "key new never replaces a file: name a new one with -o")
	} else if err != nil {
		return fmt.Errorf("key new: %w", err)
	}
	res := keyNewOut{Role: role, KeyID: trust.KeyID(pub), File: out, Pub: out + svchome.PubSuffix, Encrypted: pass != nil}
	return emit(c, res, func(w io.Writer) {
		fmt.Fprintf(w, "%s key %s\nprivate key: %s\npublic key: %s\n", res.Role, res.KeyID, res.File, res.Pub)
	})
}

// checkNewKeyPath refuses a -o of key new that cannot be a new key file:
// standard output, a directory, or a file in a directory that is missing.
func checkNewKeyPath(out string) error {
	if out == "-" {
		return usageErr(errors.New("key new: -o - (standard output): key new writes two files, FILE and FILE.pub"), "name a file: -o FILE")
	}
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		return withHint(fmt.Errorf("key new: %s: %w", out, atomicfile.ErrIsDir), "name a file to create in it: -o "+filepath.Join(out, "FILE"))
	}
	dir := filepath.Dir(out)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return withHint(fmt.Errorf("key new: %s: directory %s: %w", out, dir, syscall.ENOENT),
			"create it first (mkdir -m 700 "+dir+"), or name a file in a directory that exists")
	}
	return nil
}

func runKeyExport(c *cli.Context) error {
	dir, err := homeDir(c)
	if err != nil {
		return err
	}
	k, err := svchome.LoadKey(dir)
	if err != nil {
		return withHint(err, "run 'svcreg init' first, or pass --home DIR")
	}
	out, force := c.String("output"), c.Bool("force")
	if out == "-" {
		// Standard output holds the key: the note goes to stderr.
		if err := svchome.WriteKey(k, c.App.Writer, force); err != nil {
			return err
		}
		fmt.Fprintf(c.App.ErrWriter, "svcreg: exported the key of %s to standard output\n", k.Name())
		return nil
	}
	if err := svchome.ExportKey(k, out, force); err != nil {
		return err
	}
	return emit(c, map[string]string{"name": k.Name(), "file": out},
		func(w io.Writer) { fmt.Fprintf(w, "exported the key of %s to %s\n", k.Name(), out) })
}

func runKeyImport(c *cli.Context) error {
	data, err := svchome.ReadKeyFile(c.Args().First(), os.Stdin)
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
