package main

import (
	"errors"

	ipnsrec "github.com/ipfs/boxo/ipns"

	svchome "github.com/svcreg/svcreg/registry/home"
)

// The config file is registry/home's (svchome.Config); these names stay
// for the files that use them.
type (
	remoteConfig  = svchome.Remote
	replicaConfig = svchome.Replica
)

// config is the content of the config file, with the CLI's helpers.
type config struct{ svchome.Config }

const configFile = svchome.ConfigFile

// errInvalidConfig is returned when the config file cannot be used.
var errInvalidConfig = svchome.ErrInvalidConfig

// errRemoteExists is returned by `remote add` for a NAME already in use.
var errRemoteExists = errors.New("remote already exists")

// errRemoteNotFound is returned for a remote NAME that is not configured.
var errRemoteNotFound = errors.New("no such remote")

func checkRemoteName(s string) error { return svchome.CheckRemoteName(s) }
func isRemoteName(s string) bool     { return svchome.IsRemoteName(s) }

// loadConfig reads the config file of the home dir; a missing file is an
// empty config.
func loadConfig(dir string) (*config, error) {
	c, err := svchome.LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	return &config{*c}, nil
}

// save writes the config file atomically, creating the home when there
// is none.
func (c *config) save(dir string) error { return svchome.SaveConfig(dir, &c.Config) }

func (c *config) setName(name string, reg ipnsrec.Name) { c.SetName(name, reg) }
func (c *config) names() []string                       { return c.RemoteNames() }
