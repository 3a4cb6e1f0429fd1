package project

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// CheckMove checks the move err reports, when it is one (a
// *registry.MovedError from Refresh), against the Roots cfg pins and l
// records (l may be nil), with reg the registry moved from: a move that
// verifies is returned as it is, one whose Root does not descend from
// them wraps registry.ErrRootDiverged (registry.Registry.VerifyMove).
// Other errors are returned unchanged.
func CheckMove(ctx context.Context, reg *registry.Registry, cfg *manifest.Project, l *manifest.Lock, err error) error {
	var me *registry.MovedError
	if !errors.As(err, &me) {
		return err
	}
	if _, verr := reg.VerifyMove(ctx, me, cfg, l); verr != nil {
		return verr
	}
	return err
}

// Follow rewrites the project file for e, a move CheckMove verified:
// "registry" names e.To and a pinned "root" becomes the move's Root, so
// that the new registry's Root descends from it. A project that names its
// registry by a DNSLink domain is left as it is: the error wraps
// registry.ErrMoved, as the domain's record is its owner's to change.
func (p *Project) Follow(e *registry.MovedError) error {
	if p.Domain != "" {
		return fmt.Errorf("%s names the registry by %s, whose DNSLink record gives %s: %w", p.Path, p.Domain, e.From, e)
	}
	cfg := *p.Config
	cfg.Services = maps.Clone(p.Config.Services)
	cfg.Registry = e.To
	if cfg.Root.Defined() {
		cfg.Root = e.Root
	}
	var buf bytes.Buffer
	if err := manifest.EncodeProject(&buf, &cfg); err != nil {
		return err
	}
	return atomicfile.WriteOutput(p.Path, 0o644, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}

// MovedLock returns the lock to start a lock of e.To from: old's entries
// (old may be nil), no state of the new registry yet (Lock records its
// head's), and as the trust root the new registry's Root must descend
// from, the move's Root. Its bytes are old's, so that Lock writes the
// file.
func MovedLock(old *LockFile, e *registry.MovedError) *LockFile {
	l := &manifest.Lock{Registry: e.To, Services: map[manifest.Name]manifest.LockEntry{}}
	out := &LockFile{Lock: l}
	if old != nil {
		l.Services = maps.Clone(old.Lock.Services)
		out.Path, out.Data = old.Path, old.Data
	}
	l.Trust = e.Trust()
	return out
}

// FollowMove follows e, a move CheckMove verified, in the project p: it
// rewrites the project file for the new name (Follow), loads it again
// with res (Load, with p's lockfile) and returns it with the lock to start
// the new registry's from (MovedLock of old, which may be nil). Opening
// the new registry, whose Root must descend from the move's, is left to
// the caller (OpenRegistry with the returned lock). A project named by a
// DNSLink domain is not rewritten: the error wraps registry.ErrMoved.
func (p *Project) FollowMove(ctx context.Context, e *registry.MovedError, old *LockFile, res Resolver) (*Project, *LockFile, error) {
	if err := p.Follow(e); err != nil {
		return nil, nil, err
	}
	np, err := Load(ctx, p.Path, p.LockPath, res)
	if err != nil {
		return nil, nil, fmt.Errorf("load %s after following the move: %w", p.Path, err)
	}
	return np, MovedLock(old, e), nil
}

// LockOf returns the lock of lf, nil when there is no lockfile (lf nil).
func LockOf(lf *LockFile) *manifest.Lock {
	if lf == nil {
		return nil
	}
	return lf.Lock
}
