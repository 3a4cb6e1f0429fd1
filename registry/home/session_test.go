package home_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// TestOpenTarget: with nothing named, the home's own registry is read
// locally; a registry named and followed offline (a home without its
// key) reads the home's copy
// through a Follower, with no index lock held; without a copy the sync
// fails with a *SyncError; and Export writes a release.
func TestOpenTarget(t *testing.T) {
	dir := mustHome(t)
	key, _ := home.LoadKey(dir)
	name := key.RegistryName()

	s, err := home.OpenTarget(t.Context(), dir, nil, home.ReadOptions{Sync: true})
	if err != nil || s.Follower != nil || !s.Target.Own || s.Target.Name != name {
		t.Fatalf("own: %+v, %v", s, err)
	}
	spec, _ := manifest.ParseSpec("web")
	info, err := s.Registry.Info(t.Context(), spec)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "web")
	if err := s.Export(t.Context(), info.Resolution().CID, info.Release.Size, dst, home.ExportOptions{}); err != nil {
		t.Fatalf("export: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "index.html")); err != nil || string(b) != "hi\n" {
		t.Fatalf("exported %q, %v", b, err)
	}
	small := unixfs.Limits{MaxSize: 1}
	if err := s.Export(t.Context(), info.Resolution().CID, info.Release.Size, t.TempDir()+"/x", home.ExportOptions{Limits: small}); !errors.Is(err, unixfs.ErrTooLarge) {
		t.Fatalf("export beyond the limit: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	if err := os.Remove(filepath.Join(dir, home.KeyFile)); err != nil {
		t.Fatal(err)
	}
	ro := home.ReadOptions{Registry: name.String(), Follow: home.FollowOptions{Offline: true}, Sync: true}
	s, err = home.OpenTarget(t.Context(), dir, nil, ro)
	if err != nil || s.Follower == nil || s.Target.Own || !s.Synced.Cached {
		t.Fatalf("followed: %+v, %v", s, err)
	}
	if _, err := s.Registry.Services(t.Context()); err != nil {
		t.Fatalf("a read through the follower: %v", err)
	}
	db, err := bolt.Open(filepath.Join(dir, home.IndexFile), &bolt.Options{Timeout: -1})
	if err != nil {
		t.Fatalf("the index while following: %v", err)
	}
	db.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	_, err = home.OpenTarget(t.Context(), t.TempDir(), nil, ro)
	var se *home.SyncError
	if !errors.As(err, &se) || !errors.Is(err, registry.ErrOffline) || se.Target.Name != name || se.Synced.Cached {
		t.Fatalf("no copy: %v", err)
	}
}

// TestOwn: the home's own registry through a Follower, which needs the
// key.
func TestOwn(t *testing.T) {
	dir := mustHome(t)
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	s, err := h.Own(t.Context(), home.FollowOptions{})
	if err != nil || s.Follower == nil || !s.Target.Own || s.Follower.Online() {
		t.Fatalf("own: %+v, %v", s, err)
	}
	if _, err := s.Registry.Services(t.Context()); err != nil {
		t.Fatal(err)
	}
	e, err := home.Open(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.Own(t.Context(), home.FollowOptions{}); !errors.Is(err, home.ErrNoKey) {
		t.Fatalf("a home without a key: %v", err)
	}
}
