package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// lockTimeoutEnv sets how long a command waits for another svcreg
// process to release the index (a Go duration; default 30s).
const lockTimeoutEnv = "SVCREG_LOCK_TIMEOUT"

// home is an opened SVCREG_HOME: the CLI's wrapper of registry/home.Home.
// Its fields (dir, readOnly, blocks, cache, key, reg) stay for the
// commands that read them.
type home struct {
	h        *svchome.Home
	dir      string
	readOnly bool // nothing may be written to dir
	blocks   *flatfs.Store
	cache    svchome.Index
	key      *ipns.Key
	reg      *registry.Registry
	net      *network       // set when reading a followed registry (network.go)
	snap     *bolt.Snapshot // the followed registry's index, written back by Close
	c        *cli.Context   // for the warning of a failed write-back
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
	dir, err := homeDir(c)
	if err != nil {
		return nil, err
	}
	o, err := homeOptions()
	if err != nil {
		return nil, err
	}
	o.KeepCorrupt = opts.KeepCorrupt
	hm, err := svchome.Open(dir, o)
	if err != nil {
		return nil, err
	}
	return &home{h: hm, dir: dir, blocks: hm.Blocks(), readOnly: hm.ReadOnly()}, nil
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

// openHome opens the block store, the index and the key, and wires a
// Registry. With sign set the registry can change (the key signs).
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
	key, err := h.h.Key()
	if err != nil {
		return err
	}
	h.key = key
	if sign { // fails in a read-only home
		if h.reg, err = h.h.Signing(c.Duration("lifetime"), c.Duration("ttl")); err == nil {
			var pk registry.PublishKey
			if pk, err = loadPublishKey(c); err == nil && pk != nil {
				h.reg.UsePublishKeys(pk)
			}
		}
	} else {
		h.reg, err = h.h.Registry()
	}
	if h.cache == nil {
		h.cache = h.h.Index()
	}
	return err
}

// Close writes back a followed registry's index and releases the index
// lock, the lease and the block store.
func (h *home) Close() {
	if h.snap != nil {
		if err := h.h.Commit(context.Background(), h.snap); err != nil && h.c != nil {
			warnf(h.c, "index: %v", err)
		}
	}
	h.h.Close()
}
