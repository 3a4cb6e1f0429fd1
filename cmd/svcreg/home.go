package main

import (
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/flatfs"
	svchome "github.com/svcreg/svcreg/registry/home"
)

// lockTimeoutEnv sets how long a command waits for another svcreg
// process to release the index (a Go duration; default 30s).
const lockTimeoutEnv = "SVCREG_LOCK_TIMEOUT"

// home is an opened SVCREG_HOME: registry/home's Session (with only its
// Home until a registry is opened), and the command, for the warning of
// a failed write-back in Close.
type home struct {
	*svchome.Session
	c *cli.Context
}

// openBlocks opens the home with its block store, for work that needs no
// index lock (importing a directory before publishing it). Opening the
// home writes nothing: the home, its block store and its index are
// created by the first write, so a command that only reads, or fails
// before it writes, leaves the home as it was.
func openBlocks(c *cli.Context) (*home, error) { return openBlocksWith(c, flatfs.Options{}) }

// openBlocksWith is openBlocks with block store options; a read-only home
// keeps corrupt blocks in place (it may not move them).
func openBlocksWith(c *cli.Context, opts flatfs.Options) (*home, error) {
	dir, o, err := homeArgs(c)
	if err != nil {
		return nil, err
	}
	o.KeepCorrupt = opts.KeepCorrupt
	hm, err := svchome.Open(dir, o)
	if err != nil {
		return nil, err
	}
	return &home{Session: &svchome.Session{Home: hm}, c: c}, nil
}

// homeArgs are the home's directory and the options of the environment.
func homeArgs(c *cli.Context) (string, *svchome.Options, error) {
	dir, err := homeDir(c)
	if err != nil {
		return "", nil, err
	}
	o, err := homeOptions()
	return dir, o, err
}

// homeOptions are the options of the environment: SVCREG_READONLY and
// SVCREG_LOCK_TIMEOUT.
func homeOptions() (*svchome.Options, error) {
	o := &svchome.Options{ReadOnly: os.Getenv(readOnlyEnv) == "1"}
	if s := os.Getenv(lockTimeoutEnv); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, usageErr(fmt.Errorf("%s=%q: not a positive duration", lockTimeoutEnv, s), "write a duration such as "+lockTimeoutEnv+"=5s")
		}
		o.LockTimeout = d
	}
	return o, nil
}

// openHome opens the home's own registry. With sign set the registry can
// change (the key signs, with --key's publish key when given).
func openHome(c *cli.Context, sign bool) (*home, error) {
	h, err := openBlocks(c)
	if err != nil {
		return nil, err
	}
	if err := h.open(c, sign); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

func (h *home) open(c *cli.Context, sign bool) error {
	if !sign {
		s, err := h.Local()
		if err == nil {
			h.Session = s
		}
		return err
	}
	reg, err := h.Signing(c.Duration("lifetime"), c.Duration("ttl")) // fails in a read-only home
	if err != nil {
		return err
	}
	h.Registry = reg
	pk, err := loadPublishKey(c)
	if err == nil && pk != nil {
		reg.UsePublishKeys(pk)
	}
	return err
}

// Close writes back a followed registry's index and releases the index
// lock, the lease and the block store.
func (h *home) Close() {
	if err := h.Session.Close(); err != nil {
		warnf(h.c, "%v", err)
	}
}
