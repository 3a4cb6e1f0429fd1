package main

import (
	"crypto/ed25519"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// passphraseEnv names the passphrase file when --passphrase-file is not
// given.
const passphraseEnv = "SVCREG_PASSPHRASE_FILE"

// loadPublishKey reads the publish key that --key names; nil when the
// flag is empty. An encrypted key file is decrypted with the passphrase
// of --passphrase-file (readPassphrase).
func loadPublishKey(c *cli.Context) (registry.PublishKey, error) {
	if c.String("key") == "" {
		return nil, nil
	}
	pass, err := readPassphrase(c)
	if err != nil {
		return nil, err
	}
	return svchome.LoadPublishKey(c.String("key"), pass)
}

// loadRoleKey reads the root or publish key file at path for a command,
// decrypting it with the passphrase of --passphrase-file.
func loadRoleKey(c *cli.Context, path string) (ed25519.PrivateKey, error) {
	pass, err := readPassphrase(c)
	if err != nil {
		return nil, err
	}
	return svchome.LoadRoleKey(path, pass)
}

// passphrasePath returns the passphrase file that --passphrase-file or,
// without it, $SVCREG_PASSPHRASE_FILE names; "" when neither does.
func passphrasePath(c *cli.Context) string {
	if c != nil && c.String("passphrase-file") != "" {
		return c.String("passphrase-file")
	}
	return os.Getenv(passphraseEnv)
}

// readPassphrase returns the passphrase in the file passphrasePath names
// (svchome.ReadPassphrase), nil when none is named. A passphrase never
// comes from the command line, where other users see it.
func readPassphrase(c *cli.Context) ([]byte, error) {
	path := passphrasePath(c)
	if path == "" {
		return nil, nil
	}
	return svchome.ReadPassphrase(path)
}
