package home

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// InitOptions configure Init.
type InitOptions struct {
	// Force starts a new history even where the no-fork rule refuses
	// (registry.CheckFork, registry.CheckLostKey).
	Force bool
	// Lifetime and TTL of the record signed (0: ipns.Signer's defaults).
	Lifetime, TTL time.Duration
	// Roles, when set, is a directory to write a new root key and
	// publish key into (RootKeyFile, PublishKeyFile and their PubSuffix
	// files): the registry starts with a trust Root, version 1, threshold
	// 1 for each role, signed by the root key and linked from the first
	// manifest, which the publish key signs. The home keeps only its IPNS
	// key.
	Roles string
	// Passphrase, when not empty, encrypts the key files written into
	// Roles (SaveRoleKey).
	Passphrase []byte
}

// LostKeyError is returned by Init for a home without a key file whose
// index holds a registry that may be its own (registry.CheckLostKey).
type LostKeyError struct {
	Dir string                 // the home
	Err *registry.LostKeyError // the registries
}

func (e *LostKeyError) Error() string {
	return fmt.Sprintf("the index of %s holds the registry %s but not its key (%s is missing); a new key would start another registry beside it",
		e.Dir, e.Err.Registries(), Layout(e.Dir).KeyPath())
}

func (e *LostKeyError) Unwrap() error { return e.Err }

// Init creates the home's registry: the home, an ed25519 key unless it
// has one, and the first, empty signed state (registry.Init). Unless
// o.Force, it refuses a home whose key is missing but whose index holds
// a registry of its own (a *LostKeyError), and a key it did not just make
// whose registry has no head here (a *registry.ForkError). A registry
// that has a head already is left as it is: Init returns the head and an
// error wrapping registry.ErrExists.
func (h *Home) Init(ctx context.Context, o InitOptions) (registry.Head, error) {
	if err := h.RequireWritable(); err != nil {
		return registry.Head{}, err
	}
	if !o.Force {
		if err := h.checkLostKey(ctx); err != nil {
			return registry.Head{}, err
		}
	}
	if err := h.MkdirAll(); err != nil {
		return registry.Head{}, err
	}
	created, err := h.ensureKey()
	if err != nil {
		return registry.Head{}, err
	}
	reg, err := h.Signing(o.Lifetime, o.TTL)
	if err != nil {
		return registry.Head{}, err
	}
	if !created && !o.Force {
		fc := registry.ForkCheck{Keys: h.blocks.Blockstore().AllKeysChan}
		if cfg, err := h.Config(); err == nil {
			fc.Remotes = cfg.ForkRemotes()
		}
		if err := reg.CheckFork(ctx, fc); err != nil {
			return registry.Head{}, err
		}
	}
	if o.Roles == "" {
		return reg.Init(ctx)
	}
	if head, err := reg.Head(ctx); err == nil {
		return head, fmt.Errorf("init %s: %w", reg.Name(), registry.ErrExists)
	} else if !errors.Is(err, registry.ErrNoHead) {
		return registry.Head{}, err
	}
	sr, pub, err := newRoles(o.Roles, reg.Name(), o.Passphrase, time.Now())
	if err != nil {
		return registry.Head{}, err
	}
	reg.UsePublishKeys(pub)
	return reg.InitRoot(ctx, sr)
}

// checkLostKey fails with a *LostKeyError when the home has no key file
// but its index holds a registry that may be its own: a new key would
// silently start a second registry beside it.
func (h *Home) checkLostKey(ctx context.Context) error {
	if _, err := os.Lstat(h.KeyPath()); !errors.Is(err, fs.ErrNotExist) {
		return nil // a key (or an error that ensureKey reports)
	}
	if !h.HasIndex() {
		return nil // no index: a new home
	}
	if _, err := h.Lock(); err != nil {
		return err
	}
	cfg, err := h.Config()
	if err != nil {
		return err
	}
	err = registry.CheckLostKey(ctx, h.Index().(registry.HeadIndex), cfg.ForkRemotes())
	var lost *registry.LostKeyError
	if errors.As(err, &lost) {
		return &LostKeyError{Dir: h.dir, Err: lost}
	}
	return err
}

// ensureKey makes a new key unless the home has one, and reports whether
// it did.
func (h *Home) ensureKey() (bool, error) {
	if _, err := os.Stat(h.KeyPath()); err == nil {
		return false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		return false, err
	}
	return true, h.SaveKey(k)
}
