package bolt

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestOpenWritesNothing: opening an index a writer has initialised runs
// no write transaction, so the file stays byte for byte as it was (a
// write would move bbolt's transaction id and cost two fdatasyncs).
func TestOpenWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index.db")
	c, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustSwap(t, c, 0, testHead(t, "a", 1))
	c.Close()
	before, _ := os.ReadFile(path)
	for _, ro := range []bool{false, true} {
		c, err := Open(path, &Options{ReadOnly: ro})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("Open(ReadOnly: %v) changed the file", ro)
		}
	}
}

func TestSnapshot(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	h1 := testHead(t, "a", 1)
	mustSwap(t, c, 0, h1)
	mustSwap(t, c, 0, testHead(t, "b", 1))
	if err := c.PutResolution(ctx, "a", h1.Root, "web", registry.Resolution{Service: "web", Version: manifest.MustParseVersion("1.0.0"), CID: testCid("w")}); err != nil {
		t.Fatal(err)
	}
	c.Close()

	s, err := LoadSnapshot(ctx, path, "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Head(ctx, "a"); err != nil || !equalHead(got, h1) {
		t.Fatalf("Head = %+v, %v", got, err)
	}
	if _, err := s.Head(ctx, "b"); !errors.Is(err, registry.ErrNoHead) {
		t.Errorf("Head of another registry: %v", err)
	}
	if r, ok, err := s.Resolution(ctx, "a", h1.Root, "web"); !ok || err != nil || r.Version.String() != "1.0.0" {
		t.Errorf("Resolution = %+v, %v, %v", r, ok, err)
	}
	if s.Changed() {
		t.Fatal("a loaded snapshot has changes")
	}
	// Nothing changed: Commit opens nothing (a path that cannot be
	// created shows it).
	if err := s.Commit(ctx, filepath.Join(path, "no", "index.db"), nil); err != nil {
		t.Fatalf("Commit without changes: %v", err)
	}

	h2 := testHead(t, "a", 2)
	if err := s.SwapHead(ctx, 1, h2); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Resolution(ctx, "a", h1.Root, "web"); ok {
		t.Error("a resolution of the old root survived a head move")
	}
	if err := s.SwapHead(ctx, 1, testHead(t, "a", 3)); !errors.Is(err, registry.ErrHeadMoved) {
		t.Errorf("stale SwapHead: %v", err)
	}
	at := time.Unix(1000, 0)
	s.MarkChecked(ctx, "a", at)
	s.SetSigning(ctx, "a", 2, time.Hour, time.Minute)
	s.PutResolution(ctx, "a", h2.Root, "web", registry.Resolution{Service: "web", Version: manifest.MustParseVersion("2.0.0"), CID: testCid("w2")})
	s.PutReplicaState(ctx, "a", "r1", []byte("state"))
	if err := s.Commit(ctx, path, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}

	c, err = Open(path, &Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := c.Head(ctx, "a"); err != nil || !equalHead(got, h2) {
		t.Errorf("stored head %+v, %v", got, err)
	}
	if got, _ := c.Checked(ctx, "a"); !got.Equal(at) {
		t.Errorf("checked %v", got)
	}
	if l, ttl, ok, _ := c.Signing(ctx, "a", 2); !ok || l != time.Hour || ttl != time.Minute {
		t.Errorf("signing %v %v %v", l, ttl, ok)
	}
	if r, ok, _ := c.Resolution(ctx, "a", h2.Root, "web"); !ok || r.Version.String() != "2.0.0" {
		t.Errorf("resolution %+v %v", r, ok)
	}
	if v, _ := c.ReplicaState(ctx, "a", "r1"); string(v) != "state" {
		t.Errorf("replica state %q", v)
	}
}

// TestSnapshotCommitAfterAnotherWriter: a head another process stored
// meanwhile wins when it is as new; an older one is moved past.
func TestSnapshotCommitAfterAnotherWriter(t *testing.T) {
	ctx := context.Background()
	for _, other := range []uint64{2, 3} {
		c, path := openTest(t)
		mustSwap(t, c, 0, testHead(t, "a", 1))
		c.Close()
		s, err := LoadSnapshot(ctx, path, "a", nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SwapHead(ctx, 1, testHead(t, "a", 3)); err != nil {
			t.Fatal(err)
		}
		c, err = Open(path, &Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		mustSwap(t, c, 1, testHead(t, "a", other))
		c.Close()
		if err := s.Commit(ctx, path, &Options{NoSync: true}); err != nil {
			t.Fatal(err)
		}
		c, err = Open(path, &Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Head(ctx, "a")
		c.Close()
		if err != nil || !equalHead(got, testHead(t, "a", 3)) {
			t.Errorf("other writer at seq %d: stored %+v, %v; want seq 3", other, got, err)
		}
	}
}

// TestSnapshotOfMissingFile: a missing index is empty, and the first
// commit creates it.
func TestSnapshotOfMissingFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "home", "index.db")
	s, err := LoadSnapshot(ctx, path, "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("LoadSnapshot created the file: %v", err)
	}
	if err := s.SwapHead(ctx, 0, testHead(t, "a", 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, path, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
