package home

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/target"
)

// Resolver returns the resolver of which registry a command means for
// the home dir: cfg (its DNSLink setting and the gateways that replace a
// remote's) with Own, the registry of the home's key; Remotes, those of
// its config file; and Heads, the registries its index holds, read by
// opening the home with opts and closing it again. The config file and
// the index are read only when the answer depends on them.
func Resolver(dir string, opts *Options, cfg target.Config) (*target.Resolver, error) {
	cfg.Remotes = func() (target.Remotes, error) {
		c, err := LoadConfig(dir)
		if err != nil {
			return target.Remotes{}, err
		}
		return c.Targets(), nil
	}
	cfg.Heads = func(ctx context.Context) ([]string, error) {
		h, err := Open(dir, opts)
		if err != nil {
			return nil, err
		}
		defer h.Close()
		return h.Names(ctx)
	}
	key, err := LoadKey(dir)
	if err == nil {
		cfg.Own = key.RegistryName()
	} else if !errors.Is(err, ErrNoKey) {
		return nil, err
	}
	return target.New(cfg), nil
}

// FollowOptions configure Home.Follow.
type FollowOptions struct {
	Offline   bool          // ask no gateway, only what the home holds
	Timeout   time.Duration // per gateway request (0: the default)
	UserAgent string        // sent with every request when set
}

// Follow returns a follow.Follower of the registry t, over a snapshot of
// what the index holds for it (Snapshot: read once, so no lock is held
// while the follower waits on gateways), and the snapshot, which Commit
// writes back when something changed. A read-only home asks no gateway,
// as with opts.Offline: it could keep nothing they send. An unusable
// gateway URL is follow.ErrBadUpstream.
func (h *Home) Follow(ctx context.Context, t target.Target, opts FollowOptions) (*follow.Follower, *bolt.Snapshot, error) {
	snap, err := h.Snapshot(ctx, t.Name.String())
	if err != nil {
		return nil, nil, err
	}
	f, err := follow.New(follow.Config{
		Name: t.Name, Own: t.Own, Blocks: h.blocks, Index: snap,
		Gateways: t.Gateways, Offline: opts.Offline || h.readOnly, Timeout: opts.Timeout,
		UserAgent: opts.UserAgent,
	})
	if err != nil {
		return nil, nil, err
	}
	return f, snap, nil
}

// ErrTildeUser is returned by Dir for a path that starts with another
// user's "~name".
var ErrTildeUser = errors.New("only ~ and ~/ are expanded")

// Dir returns the home's directory as an absolute path: flag (--home or
// $SVCREG_HOME, "" for none) with a leading "~" or "~/" expanded to the
// user's home directory, as a shell (and git, for paths in its config)
// does, so that a quoted SVCREG_HOME='~/reg' means the home, never a
// directory named "~"; else ~/.svcreg. Another user's "~name/" is
// ErrTildeUser. The error of os.UserHomeDir is returned as it is.
func Dir(flag string) (string, error) {
	if flag == "" {
		u, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(u, ".svcreg"), nil
	}
	if flag == "~" || strings.HasPrefix(flag, "~/") || strings.HasPrefix(flag, "~"+string(filepath.Separator)) {
		u, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		flag = filepath.Join(u, flag[1:])
	} else if strings.HasPrefix(flag, "~") {
		return "", ErrTildeUser
	}
	return filepath.Abs(flag)
}
