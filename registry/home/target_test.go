package home_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/target"
)

// TestResolver: the home's own registry answers for nothing named; a
// home without a key answers with the one registry whose state its index
// holds, read with a Home it closes again (the index is not left locked).
func TestResolver(t *testing.T) {
	dir := mustHome(t)
	key, err := home.LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := home.Resolver(dir, nil, target.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if tg, err := r.Resolve(t.Context(), ""); err != nil || !tg.Own || tg.Name != key.RegistryName() {
		t.Fatalf("own: %+v, %v", tg, err)
	}
	if err := os.Remove(filepath.Join(dir, home.KeyFile)); err != nil {
		t.Fatal(err)
	}
	r, err = home.Resolver(dir, nil, target.Config{Gateways: []string{"http://127.0.0.1:9"}})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := r.Resolve(t.Context(), "")
	if err != nil || tg.Own || tg.Name != key.RegistryName() || len(tg.Gateways) != 1 {
		t.Fatalf("held: %+v, %v", tg, err)
	}
	db, err := bolt.Open(filepath.Join(dir, home.IndexFile), &bolt.Options{Timeout: -1})
	if err != nil {
		t.Fatalf("the index after Resolve: %v", err)
	}
	db.Close()
	if _, err := home.Resolver(t.TempDir(), nil, target.Config{}); err != nil {
		t.Fatalf("an empty home: %v", err)
	}
}

// TestFollow: a followed registry reads from a snapshot of the index (no
// lock held), a read-only home asks no gateway, and a bad gateway URL is
// follow.ErrBadUpstream.
func TestFollow(t *testing.T) {
	dir := mustHome(t)
	key, _ := home.LoadKey(dir)
	tg := target.Target{Name: key.RegistryName(), Gateways: []string{"http://127.0.0.1:9"}}
	h, err := home.Open(dir, &home.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	f, snap, err := h.Follow(t.Context(), tg, home.FollowOptions{})
	if err != nil || snap == nil || f.Online() {
		t.Fatalf("read-only: online %v, snapshot %v, %v", f != nil && f.Online(), snap, err)
	}
	if _, err := f.Registry().Services(t.Context()); err != nil {
		t.Fatalf("a read through the snapshot: %v", err)
	}
	db, err := bolt.Open(filepath.Join(dir, home.IndexFile), &bolt.Options{Timeout: -1})
	if err != nil {
		t.Fatalf("the index while following: %v", err)
	}
	db.Close()
	w, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if f, _, err := w.Follow(t.Context(), tg, home.FollowOptions{}); err != nil || !f.Online() {
		t.Fatalf("writable: %v", err)
	}
	tg.Gateways = []string{"ftp://x"}
	if _, _, err := w.Follow(t.Context(), tg, home.FollowOptions{}); !errors.Is(err, follow.ErrBadUpstream) {
		t.Fatalf("bad gateway: %v", err)
	}
}

func TestDir(t *testing.T) {
	u, err := os.UserHomeDir()
	if err != nil {
		t.Skip(err)
	}
	wd, _ := os.Getwd()
	for in, want := range map[string]string{
		"": filepath.Join(u, ".svcreg"), "~": u, "~/reg": filepath.Join(u, "reg"),
		"/abs/reg": "/abs/reg", "rel": filepath.Join(wd, "rel"), "a/~b": filepath.Join(wd, "a/~b"),
	} {
		if got, err := home.Dir(in); err != nil || got != want {
			t.Errorf("Dir(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := home.Dir("~bob/reg"); !errors.Is(err, home.ErrTildeUser) {
		t.Errorf("Dir(~bob/reg): %v", err)
	}
}
