package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

func newInitCommand() *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "create a registry: an ed25519 key and an empty signed manifest",
		Description: `Prints the registry's IPNS name (k51…), which clients use to find it.
Running init again on an existing registry prints its name and changes nothing.

A key that came from elsewhere ('svcreg key import') belongs to a registry
with a history there. Without its head in this home, init refuses (exit 4)
to start a second history at seq 1, which would fork the first: it says
what it found (blocks of the registry's states here, remotes that follow
it). Bring the head here with 'svcreg import FILE.car', or start anew with
--force.

A home whose key file is gone but whose index holds a registry of its own
(made here, or imported from a CAR) is refused too (exit 4): put the key
back with 'svcreg key import FILE', or make a new registry with --force.

Examples:
   SVCREG_HOME=/tmp/reg svcreg init
   svcreg init --home ./reg --json
   svcreg key import registry.key && svcreg import registry.car   # move a registry`,
		Flags: withCommon(append(signFlags(),
			&cli.BoolFlag{Name: "force", Usage: "start a new history even for a key that has one elsewhere"})...),
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.requireWritable(); err != nil {
		return err
	}
	if !c.Bool("force") {
		if err := h.refuseLostKey(c); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(h.dir, 0o700); err != nil {
		return fmt.Errorf("create home %s: %w", h.dir, err)
	}
	created, err := ensureKey(h.h.KeyPath())
	if err != nil {
		return err
	}
	if err := h.open(c, true); err != nil {
		return err
	}
	if !created && !c.Bool("force") {
		if err := h.refuseFork(c); err != nil {
			return err
		}
	}
	head, err := h.reg.Init(c.Context)
	if errors.Is(err, registry.ErrExists) {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: registry already initialized in %s\n", h.dir)
	} else if err != nil {
		return err
	}
	return emit(c, headJSON(head), func(w io.Writer) { fmt.Fprintln(w, head.Name) })
}

// refuseFork fails (exit 4) when the home holds a key but no head of its
// registry (registry.CheckFork): a new seq 1 would fork its history.
func (h *home) refuseFork(c *cli.Context) error {
	fc := registry.ForkCheck{Keys: h.blocks.Blockstore().AllKeysChan}
	if cfg, err := loadConfig(h.dir); err == nil {
		fc.Remotes = forkRemotes(cfg)
	}
	err := h.reg.CheckFork(c.Context, fc)
	if !errors.Is(err, registry.ErrFork) {
		return err
	}
	return &cliError{
		err:  fmt.Errorf("init %w", err),
		code: exitConflict,
		hint: "bring the head here with 'svcreg import FILE.car' (made by 'svcreg export' where the registry lives) or 'svcreg ls --registry " + h.reg.Name() + " --gateway URL'; 'svcreg init --force' starts a new history anyway",
	}
}

// refuseLostKey fails (exit 4) when the home has no key file but its
// index holds a registry that may be the home's own
// (registry.CheckLostKey): a new key would silently start a second
// registry beside it.
func (h *home) refuseLostKey(c *cli.Context) error {
	keyPath := h.h.KeyPath()
	if _, err := os.Lstat(keyPath); !errors.Is(err, fs.ErrNotExist) {
		return nil // a key (or an error that ensureKey reports)
	}
	if !h.h.HasIndex() {
		return nil // no index: a new home
	}
	if err := h.openIndex(); err != nil {
		return err
	}
	idx, ok := h.cache.(registry.HeadIndex)
	if !ok {
		return fmt.Errorf("init: the index of %s cannot list its heads", h.dir)
	}
	cfg, err := loadConfig(h.dir)
	if err != nil {
		return err
	}
	err = registry.CheckLostKey(c.Context, idx, forkRemotes(cfg))
	var lost *registry.LostKeyError
	if !errors.As(err, &lost) {
		return err
	}
	return &cliError{
		err: fmt.Errorf("init: the index of %s holds the registry %s but not its key (%s is missing); a new key would start another registry beside it",
			h.dir, lost.Registries(), keyPath),
		code: exitConflict,
		hint: "put the registry's key back with 'svcreg key import FILE' (from 'svcreg key export' or a backup); 'svcreg init --force' makes a new registry anyway",
	}
}

// forkRemotes gives the remotes of cfg to the no-fork rule.
func forkRemotes(cfg *config) []registry.Remote {
	var out []registry.Remote
	for name, r := range cfg.Remotes {
		out = append(out, registry.Remote{Name: name, Registry: r.Registry, Gateways: r.Gateways})
	}
	return out
}

// ensureKey creates a new key at path unless one exists, and reports
// whether it did.
func ensureKey(path string) (bool, error) {
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		return false, err
	}
	return true, k.Save(path)
}

type headOut struct {
	Name string `json:"name"`
	Root string `json:"root"`
	Seq  uint64 `json:"seq"`
}

func headJSON(h registry.Head) headOut {
	return headOut{Name: h.Name, Root: h.Root.String(), Seq: h.Seq}
}
