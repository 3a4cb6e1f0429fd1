package project

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// LockFile is a lockfile as read from disk.
type LockFile struct {
	Path string
	Lock *manifest.Lock
	Data []byte // the file's bytes
}

// ReadLock reads and decodes the lockfile at path. A missing file wraps
// ErrLockMissing, one that cannot be decoded ErrLockUnreadable (its
// message names path); other errors are the file system's.
func ReadLock(path string) (*LockFile, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, inClass(ErrLockMissing, err)
	} else if err != nil {
		return nil, err
	}
	l, err := manifest.DecodeLock(bytes.NewReader(data))
	if err != nil {
		return nil, inClass(ErrLockUnreadable, fmt.Errorf("%s: %w", path, err))
	}
	return &LockFile{Path: path, Lock: l, Data: data}, nil
}

// Canonical reports whether the file's bytes are the canonical encoding
// of its lock, as Project.Lock writes it.
func (lf *LockFile) Canonical() (bool, error) {
	var buf bytes.Buffer
	if err := manifest.EncodeLock(&buf, lf.Lock); err != nil {
		return false, err
	}
	return bytes.Equal(buf.Bytes(), lf.Data), nil
}

// LockResult is the outcome of Project.Lock.
type LockResult struct {
	registry.LockResult
	Path    string // the lockfile (Project.LockPath)
	Written bool   // the lockfile was written: its bytes changed
}

// MarshalJSON encodes r as {lockfile, written, registry, root, seq,
// services, changes, trust, warnings}, as docs/CLI.md documents `svcreg
// lock --json`: services is how many the lock holds, changes the
// registry.LockChange list, trust the lock's trust root ({root,
// rootVersion}, null in a version-1 lock) and warnings the messages of
// the findings.
func (r LockResult) MarshalJSON() ([]byte, error) {
	warnings := []string{}
	for _, f := range r.Findings {
		warnings = append(warnings, f.Message)
	}
	type trustJSON struct {
		Root        string `json:"root"`
		RootVersion uint64 `json:"rootVersion"`
	}
	var tr *trustJSON
	if t := r.Lock.Trust; t != nil {
		tr = &trustJSON{t.Root.String(), t.Version}
	}
	return json.Marshal(struct {
		Lockfile string                `json:"lockfile"`
		Written  bool                  `json:"written"`
		Registry string                `json:"registry"`
		Root     string                `json:"root"`
		Seq      uint64                `json:"seq"`
		Services int                   `json:"services"`
		Changes  []registry.LockChange `json:"changes"`
		Trust    *trustJSON            `json:"trust"`
		Warnings []string              `json:"warnings"`
	}{r.Path, r.Written, r.Lock.Registry, r.Lock.Root.String(), r.Lock.Seq, len(r.Lock.Services),
		append([]registry.LockChange{}, r.Changes...), tr, warnings})
}

// Lock resolves the project at reg (registry.Registry.Lock, with old's
// lock when old is not nil) and writes the lockfile in canonical form
// when its bytes differ from old's, creating its directory if need be.
// When nothing changes the file is left as it is, byte for byte.
func (p *Project) Lock(ctx context.Context, reg *registry.Registry, old *LockFile, opts registry.LockOptions) (LockResult, error) {
	var prev *manifest.Lock
	var prevData []byte
	if old != nil {
		prev, prevData = old.Lock, old.Data
	}
	res, err := reg.Lock(ctx, p.Config, prev, opts)
	if err != nil {
		return LockResult{}, err
	}
	var buf bytes.Buffer
	if err := manifest.EncodeLock(&buf, res.Lock); err != nil {
		return LockResult{}, err
	}
	out := LockResult{LockResult: res, Path: p.LockPath, Written: !bytes.Equal(buf.Bytes(), prevData)}
	if !out.Written {
		return out, nil
	}
	if err := os.MkdirAll(filepath.Dir(p.LockPath), 0o755); err != nil {
		return LockResult{}, err
	}
	err = atomicfile.WriteOutput(p.LockPath, 0o644, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
	if err != nil {
		return LockResult{}, err
	}
	return out, nil
}
