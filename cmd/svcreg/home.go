package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// index is the registry index as home uses it: a registry.Index to close.
// Local work holds one open *bolt.Index; work that waits on the network
// uses a *bolt.Transient, which holds the file lock only per operation.
type index interface {
	registry.Index
	Close() error
}

// errNoKey is returned when SVCREG_HOME holds no registry key.
var errNoKey = errors.New("no registry key")

// The layout of SVCREG_HOME.
const (
	keyFile   = "key"      // ed25519 key, libp2p protobuf, mode 0600
	blocksDir = "blocks"   // flatfs block store, kubo's layout
	indexFile = "index.db" // bbolt: heads, floors, resolutions
)

// home is an opened SVCREG_HOME.
type home struct {
	dir      string
	readOnly bool // nothing may be written to dir (readOnlyHome)
	blocks   *flatfs.Store
	cache    index
	key      *ipns.Key
	reg      *registry.Registry
	net      *network // set when reading a followed registry (network.go)
	lease    *flatfs.Lease
}

// openBlocks opens only the block store, for work that needs no index lock
// (importing a directory before publishing it). Opening the home writes
// nothing: the home, its block store and its index are created by the
// first write (flatfs.Open, bolt.Transient), so a command that only reads,
// or fails before it writes, leaves the home as it was.
func openBlocks(c *cli.Context) (*home, error) { return openBlocksWith(c, flatfs.Options{}) }

// openBlocksWith is openBlocks with block store options; a read-only home
// keeps corrupt blocks in place (it may not move them).
func openBlocksWith(c *cli.Context, opts flatfs.Options) (*home, error) {
	dir, err := homeDir(c)
	if err != nil {
		return nil, err
	}
	ro := readOnlyHome(dir)
	opts.KeepCorrupt = opts.KeepCorrupt || ro
	bs, err := flatfs.Open(filepath.Join(dir, blocksDir), &opts)
	if err != nil {
		return nil, err // names the store
	}
	return &home{dir: dir, blocks: bs, readOnly: ro}, nil
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
	key, err := loadKey(h.dir)
	if err != nil {
		return err
	}
	h.key = key
	if sign {
		if err := h.requireWritable(); err != nil {
			return err
		}
		if err := h.startLease(); err != nil {
			return err
		}
	}
	if h.cache == nil {
		if err = h.openIndex(); err != nil {
			return err
		}
	}
	cfg := registry.Config{Name: key.Name(), Blocks: h.blocks, Index: h.cache}
	if sign {
		s := ipns.NewSigner(key)
		s.Lifetime, s.TTL = c.Duration("lifetime"), c.Duration("ttl")
		cfg.Signer = s
	}
	h.reg, err = registry.New(cfg)
	return err
}

// openIndex opens the index and holds it (and its file lock) until Close;
// in a read-only home, read-only (nothing is cached then). An index that
// does not exist is not created here: it is opened per operation
// (bolt.Transient), reads as empty and is created by the first write.
func (h *home) openIndex() error {
	path := filepath.Join(h.dir, indexFile)
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		h.cache = bolt.NewTransient(path, h.indexOptions())
		return nil
	}
	c, err := bolt.Open(path, h.indexOptions())
	if err != nil {
		return err // h.cache stays a nil interface, so Close skips it
	}
	h.cache = c
	return nil
}

// indexOptions are the options the index is opened with: read-only in a
// read-only home.
func (h *home) indexOptions() *bolt.Options {
	if h.readOnly {
		return &bolt.Options{ReadOnly: true}
	}
	return nil
}

// startLease marks this process as a writer of the block store until
// Close (flatfs.Lease), so that gc keeps what it writes before its head
// moves, whatever gc's grace. It does nothing when a lease is held.
func (h *home) startLease() error {
	if h.lease != nil {
		return nil
	}
	l, err := h.blocks.Lease()
	if err != nil {
		return err
	}
	h.lease = l
	return nil
}

// Close releases the index lock, the lease and the block store.
func (h *home) Close() {
	defer h.lease.Release() // after the head moved and the index is closed
	if h.cache != nil {
		h.cache.Close()
	}
	if h.blocks != nil {
		h.blocks.Close()
	}
}

// loadKey loads the home's registry key; every command reads it here, so
// one rule (ipns.LoadKey refuses a key file others can read) holds for all.
// A missing key is errNoKey.
func loadKey(dir string) (*ipns.Key, error) {
	key, err := ipns.LoadKey(filepath.Join(dir, keyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w in %s", errNoKey, dir)
	}
	return key, err
}
