package main

import (
	"crypto/ed25519"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// loadPublishKey reads the publish key that --key names; nil when the
// flag is empty.
func loadPublishKey(c *cli.Context) (registry.PublishKey, error) {
	if c.String("key") == "" {
		return nil, nil
	}
	return svchome.LoadPublishKey(c.String("key"), nil)
}

// loadRoleKey reads the root or publish key file at path for a command.
func loadRoleKey(_ *cli.Context, path string) (ed25519.PrivateKey, error) {
	return svchome.LoadRoleKey(path, nil)
}
