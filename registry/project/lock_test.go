package project_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
)

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLock: the first lock is written, locking again rewrites nothing,
// and a lock in a directory that does not exist yet creates it.
func TestLock(t *testing.T) {
	f := newFixture(t, "web@1.0.0", "web@1.2.0", "web@2.0.0")
	ctx := context.Background()
	p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^1.0.0"`), names{})

	old, err := project.ReadLock(p.LockPath)
	if !errors.Is(err, project.ErrLockMissing) || !errors.Is(err, fs.ErrNotExist) || old != nil {
		t.Fatalf("ReadLock of no file: %v, %v", old, err)
	}
	res, err := p.Lock(ctx, f.reg, nil, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Written || res.Lock.Services["web"].Version.String() != "1.2.0" || len(res.Changes) != 1 {
		t.Fatalf("first lock: written %t, %+v", res.Written, res.LockResult)
	}
	first := mustRead(t, p.LockPath)

	lf, err := project.ReadLock(p.LockPath)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := lf.Canonical(); !ok || err != nil {
		t.Fatalf("Canonical of a written lock: %t, %v", ok, err)
	}
	res, err = p.Lock(ctx, f.reg, lf, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Written || len(res.Changes) != 0 || !bytes.Equal(mustRead(t, p.LockPath), first) {
		t.Fatalf("locking again: written %t, changes %v", res.Written, res.Changes)
	}

	p.LockPath = filepath.Join(t.TempDir(), "new", "dir", "web.lock")
	if res, err := p.Lock(ctx, f.reg, nil, registry.LockOptions{}); err != nil || !res.Written {
		t.Fatalf("lock into a new directory: %v, written %t", err, res.Written)
	}
	if !bytes.Equal(mustRead(t, p.LockPath), first) {
		t.Fatal("the same lock differs in another place")
	}
}

// TestLockRefused: a resolution the registry refuses writes nothing.
func TestLockRefused(t *testing.T) {
	f := newFixture(t, "web@1.0.0")
	p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^3.0.0"`), names{})
	if _, err := p.Lock(context.Background(), f.reg, nil, registry.LockOptions{}); !errors.Is(err, manifest.ErrNoMatch) {
		t.Fatalf("Lock: %v, want ErrNoMatch", err)
	}
	if _, err := os.Stat(p.LockPath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a refused lock left a file: %v", err)
	}
}

func TestReadLockUnreadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), project.LockFileName)
	if err := os.WriteFile(path, []byte("<<<<<<< HEAD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := project.ReadLock(path)
	if !errors.Is(err, project.ErrLockUnreadable) || !errors.Is(err, manifest.ErrInvalidLock) || !strings.HasPrefix(err.Error(), path+": ") {
		t.Fatalf("ReadLock: %v", err)
	}
}

// TestInspectAndCheck: the lockfile's own findings, then the registry's.
func TestInspectAndCheck(t *testing.T) {
	f := newFixture(t, "web@1.0.0", "web@1.2.0")
	ctx := context.Background()
	p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^1.0.0"`), names{})

	rep, err := p.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lock != nil || !errors.Is(rep.LockErr, project.ErrLockMissing) || rep.Outcome() != project.Missing ||
		rep.Findings[0].Message != p.LockPath+" does not exist" {
		t.Fatalf("missing: %+v", rep)
	}

	if _, err := p.Lock(ctx, f.reg, nil, registry.LockOptions{}); err != nil {
		t.Fatal(err)
	}
	good := mustRead(t, p.LockPath)
	rep, err = p.Inspect()
	if err != nil || rep.Lock == nil || len(rep.Findings) != 0 {
		t.Fatalf("a good lock: %+v, %v", rep, err)
	}
	note := registry.Finding{Kind: registry.FindingUnverifiable, Warning: true, Message: "a gateway is down"}
	if err := p.CheckRegistry(ctx, rep, f.reg, []registry.Finding{note}, registry.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	if rep.Outcome() != project.OK || rep.Head.Seq != 3 || len(rep.Findings) != 1 || rep.Findings[0] != note {
		t.Fatalf("checked: outcome %s, head seq %d, findings %+v", rep.Outcome(), rep.Head.Seq, rep.Findings)
	}

	// not canonical: the same lock with other line endings
	if err := os.WriteFile(p.LockPath, bytes.ReplaceAll(good, []byte("\n"), []byte("\n\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = p.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lock == nil || rep.Outcome() != project.Stale || !errors.Is(rep.Findings[0].Err, project.ErrNotCanonical) {
		t.Fatalf("not canonical: %+v", rep)
	}

	if err := os.WriteFile(p.LockPath, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = p.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lock != nil || !errors.Is(rep.LockErr, project.ErrLockUnreadable) || rep.Outcome() != project.Stale {
		t.Fatalf("unreadable: %+v", rep)
	}
}

// TestMoved: a project that names its registry by a domain whose DNSLink
// now gives another registry than its lock's.
func TestMoved(t *testing.T) {
	f := newFixture(t)
	p := mustLoad(t, writeProject(t, "reg.example.com", ``), names{"reg.example.com": f.name})
	if p.Moved(nil) || p.Moved(&manifest.Lock{Registry: f.name.String()}) || !p.Moved(&manifest.Lock{Registry: "k51other"}) {
		t.Error("Moved with a domain")
	}
	p = mustLoad(t, writeProject(t, f.name.String(), ``), names{})
	if p.Moved(&manifest.Lock{Registry: "k51other"}) {
		t.Error("Moved without a domain")
	}
}
