package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
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
// registry: the key was imported or copied, so the registry has a history
// elsewhere that a new seq 1 would fork. It says what the home knows of
// that history.
func (h *home) refuseFork(c *cli.Context) error {
	name := h.reg.Name()
	if _, err := h.cache.Head(c.Context, name); err == nil || !errors.Is(err, registry.ErrNoHead) {
		return err // a head: Init is a no-op
	}
	var found []string
	if floor, err := h.cache.Floor(c.Context, name); err != nil {
		return err
	} else if floor > 0 {
		found = append(found, fmt.Sprintf("this home has seen its seq %d", floor))
	}
	keys, err := h.blocks.Blockstore().AllKeysChan(c.Context)
	if err != nil {
		return err
	}
	st, ok, err := h.reg.HighestStoredState(c.Context, keys)
	if err != nil {
		return err
	} else if ok {
		found = append(found, fmt.Sprintf("the block store holds its seq %d (%s) without a signed record", st.Seq, st.Root))
	}
	if cfg, err := loadConfig(h.dir); err == nil {
		for _, rn := range slices.Sorted(maps.Keys(cfg.Remotes)) {
			if r := cfg.Remotes[rn]; r.Registry == name {
				found = append(found, fmt.Sprintf("remote %s follows it (%s)", rn, strings.Join(r.Gateways, ", ")))
			}
		}
	}
	why := "the key was imported or copied, so the registry has a history elsewhere"
	if len(found) > 0 {
		why = strings.Join(found, "; ")
	}
	return &cliError{
		err:  fmt.Errorf("init %s: this home has the registry's key but not its head, and a new seq 1 would fork its history: %s", name, why),
		code: exitConflict,
		hint: "bring the head here with 'svcreg import FILE.car' (made by 'svcreg export' where the registry lives) or 'svcreg ls --registry " + name + " --gateway URL'; 'svcreg init --force' starts a new history anyway",
	}
}

// refuseLostKey fails (exit 4) when the home has no key file but its
// index holds a registry that may be the home's own: one that is neither
// a remote nor ever checked against gateways (as every followed registry
// is), so its head was made here or imported from a CAR. Its key was lost
// or deleted, or not yet imported; a new key would silently start a
// second registry beside it.
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
	orphans, err := keylessHeads(c, h.cache.(*bolt.Index), h.dir)
	if err != nil || len(orphans) == 0 {
		return err
	}
	var names []string
	for _, hd := range orphans {
		names = append(names, fmt.Sprintf("%s (seq %d)", hd.Name, hd.Seq))
	}
	return &cliError{
		err: fmt.Errorf("init: the index of %s holds the registry %s but not its key (%s is missing); a new key would start another registry beside it",
			h.dir, strings.Join(names, " and "), keyPath),
		code: exitConflict,
		hint: "put the registry's key back with 'svcreg key import FILE' (from 'svcreg key export' or a backup); 'svcreg init --force' makes a new registry anyway",
	}
}

// keylessHeads returns the heads in the index of registries that are
// neither a remote in config.json nor ever checked against their
// gateways: candidates for the home's own registry.
func keylessHeads(c *cli.Context, idx *bolt.Index, dir string) ([]registry.Head, error) {
	heads, err := idx.Heads(c.Context)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(dir)
	if err != nil {
		return nil, err
	}
	followed := map[string]bool{}
	for _, r := range cfg.Remotes {
		followed[r.Registry] = true
	}
	var out []registry.Head
	for _, hd := range heads {
		if followed[hd.Name] {
			continue
		}
		if t, err := idx.Checked(c.Context, hd.Name); err != nil {
			return nil, err
		} else if t.IsZero() {
			out = append(out, hd)
		}
	}
	return out, nil
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
