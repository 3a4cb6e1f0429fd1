package home

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/kubo"
	"github.com/svcreg/svcreg/registry/remote"
)

// RemoteInfo is one remote as `svcreg remote` lists it.
type RemoteInfo struct {
	Name     string   `json:"name"`
	Registry string   `json:"registry"` // its k51… name
	Gateways []string `json:"gateways"` // never nil
	Default  bool     `json:"default"`  // the default remote
}

// String describes r on one line, as `svcreg remote ls` lists it: its
// name and registry, its gateways, and "(default)" for the default.
func (r RemoteInfo) String() string {
	line := r.Name + " " + r.Registry
	if len(r.Gateways) > 0 {
		line += " " + strings.Join(r.Gateways, " ")
	}
	if r.Default {
		line += " (default)"
	}
	return line
}

// RemoteExistsError is returned by AddRemote for a name that stands for
// another registry, or the same with other gateways. It wraps
// ErrRemoteExists.
type RemoteExistsError struct {
	Name     string // the remote's name
	Registry string // the registry it stands for
}

func (e *RemoteExistsError) Error() string {
	return fmt.Sprintf("%v: %s is %s", ErrRemoteExists, e.Name, e.Registry)
}

func (e *RemoteExistsError) Unwrap() error { return ErrRemoteExists }

// EditConfig changes the home's config file: it reads it, refuses a
// read-only home (*ReadOnlyError), applies edit and writes the result
// atomically. When edit fails the file stays as it was.
func (h *Home) EditConfig(edit func(*Config) error) error {
	cfg, err := h.Config()
	if err != nil {
		return err
	}
	if err := h.RequireWritable(); err != nil {
		return err
	}
	if err := edit(cfg); err != nil {
		return err
	}
	return h.SaveConfig(cfg)
}

// RemoveReplica stops pushing the home's registry to the replica name:
// the replica leaves the config file (EditConfig, Config.RemoveReplica:
// an unknown name wraps ErrReplicaNotFound, and nothing changes), then
// what the index keeps of it for the home's own registry is dropped
// (follow.Follower.ReplicaStatuses would report it). A home without a
// key of its own keeps no such state.
func (h *Home) RemoveReplica(ctx context.Context, name string) error {
	if err := h.EditConfig(func(c *Config) error { return c.RemoveReplica(name) }); err != nil {
		return err
	}
	key, err := h.Key()
	if errors.Is(err, ErrNoKey) || !h.HasIndex() {
		return nil
	} else if err != nil {
		return err
	}
	snap, err := h.Snapshot(ctx, key.Name())
	if err != nil {
		return err
	}
	if err := snap.PutReplicaState(ctx, key.Name(), name, nil); err != nil {
		return err
	}
	return h.Commit(ctx, snap)
}

// RemoteList returns the remotes, sorted by name.
func (c *Config) RemoteList() []RemoteInfo {
	out := []RemoteInfo{}
	for _, n := range c.RemoteNames() {
		out = append(out, c.remoteInfo(n))
	}
	return out
}

func (c *Config) remoteInfo(name string) RemoteInfo {
	r := c.Remotes[name]
	gws := r.Gateways
	if gws == nil {
		gws = []string{}
	}
	return RemoteInfo{Name: name, Registry: r.Registry, Gateways: gws, Default: c.Default == name}
}

// AddRemote makes name (checked by the caller with CheckRemoteName) the
// remote of reg, read from gateways, and with makeDefault the default
// remote. Each gateway URL must follow remote.ParseURL's rule (an error
// wraps its ErrInvalid) and is kept in its canonical form. Adding a
// remote again as it is changes nothing; another registry or other
// gateways under a name in use is a *RemoteExistsError.
func (c *Config) AddRemote(name string, reg ipnsrec.Name, gateways []string, makeDefault bool) (RemoteInfo, error) {
	r := Remote{Registry: reg.String()}
	for _, g := range gateways {
		u, err := remote.ParseURL(g)
		if err != nil {
			return RemoteInfo{}, err
		}
		r.Gateways = append(r.Gateways, u)
	}
	if old, ok := c.Remotes[name]; ok && !reflect.DeepEqual(old, r) {
		return RemoteInfo{}, &RemoteExistsError{Name: name, Registry: old.Registry}
	}
	if c.Remotes == nil {
		c.Remotes = map[string]Remote{}
	}
	c.Remotes[name] = r
	c.SetName(name, reg)
	if makeDefault {
		c.Default = name
	}
	return c.remoteInfo(name), nil
}

// RemoveRemote stops following the remote name (no longer the default
// either); an unknown name wraps ErrRemoteNotFound.
func (c *Config) RemoveRemote(name string) error {
	if _, ok := c.Remotes[name]; !ok {
		return fmt.Errorf("%w: %s", ErrRemoteNotFound, name)
	}
	delete(c.Remotes, name)
	if c.Default == name {
		c.Default = ""
	}
	return nil
}

// AddReplica makes name (IsRemoteName) the replica at k.
func (c *Config) AddReplica(name string, k *kubo.Client, pin bool) {
	if c.Replicas == nil {
		c.Replicas = map[string]Replica{}
	}
	c.Replicas[name] = Replica{Kubo: k.String(), Pin: pin}
}

// RemoveReplica stops pushing to the replica name; an unknown name wraps
// ErrReplicaNotFound.
func (c *Config) RemoveReplica(name string) error {
	if _, ok := c.Replicas[name]; !ok {
		return fmt.Errorf("%w: %s", ErrReplicaNotFound, name)
	}
	delete(c.Replicas, name)
	return nil
}

// ReplicaList returns the replicas as registry/follow pushes to them,
// sorted by name.
func (c *Config) ReplicaList() ([]follow.Replica, error) {
	var out []follow.Replica
	for _, name := range slices.Sorted(maps.Keys(c.Replicas)) {
		r := c.Replicas[name]
		k, err := kubo.New(r.Kubo, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, follow.Replica{Name: name, Kubo: k, Pin: r.Pin})
	}
	return out, nil
}

// OwnName returns the registry name of the home's key, or "" when the
// home holds none; any other failure to load the key is returned (the one
// rule every command applies).
func (h *Home) OwnName() (string, error) {
	k, err := h.Key()
	if errors.Is(err, ErrNoKey) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	return k.Name(), nil
}

// Followed returns whether the home follows a registry: its own and its
// remotes' (what `gc --drop-unfollowed` keeps).
func (h *Home) Followed() (func(name string) bool, error) {
	own, err := h.OwnName()
	if err != nil {
		return nil, err
	}
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	follow := map[string]bool{}
	if own != "" {
		follow[own] = true
	}
	for _, rc := range cfg.Remotes {
		follow[rc.Registry] = true
	}
	return func(name string) bool { return follow[name] }, nil
}

// Sources returns, for a registry name, the gateways to fetch its blocks
// from (what `fsck --repair` is given): extra, then those of the remotes
// that stand for it. The config file is read on first use; when it
// cannot be, extra is still given, with the error.
func (h *Home) Sources(extra []string, opts *remote.Options) func(name string) ([]registry.Source, error) {
	var cfg *Config
	var cfgErr error
	return func(name string) ([]registry.Source, error) {
		if cfg == nil {
			if cfg, cfgErr = h.Config(); cfgErr != nil {
				cfg, cfgErr = &Config{}, fmt.Errorf("config: %v", cfgErr)
			}
		}
		urls := slices.Clone(extra)
		for _, rc := range cfg.Remotes {
			if rc.Registry == name {
				urls = append(urls, rc.Gateways...)
			}
		}
		var sources []registry.Source
		for _, u := range urls {
			g, err := remote.New(u, opts)
			if err != nil {
				return nil, fmt.Errorf("registry %s: %w", name, err)
			}
			sources = append(sources, g)
		}
		return sources, cfgErr
	}
}
