package home_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/home"
)

// TestRootFile: a Root file written, read and signed again by the root
// key that signed it (counted once), and refused as a move file.
func TestRootFile(t *testing.T) {
	h, roles := initRoles(t)
	reg, err := h.Registry()
	if err != nil {
		t.Fatal(err)
	}
	sr, rc, err := reg.CurrentRoot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "root.car")
	if got, err := home.WriteRootFile(t.Context(), path, sr, nil, nil); err != nil || !got.Equals(rc) {
		t.Fatalf("WriteRootFile: %s, %v; want %s", got, err, rc)
	}
	rk, err := home.LoadRoleKey(filepath.Join(roles, home.RootKeyFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := home.SignRootFile(t.Context(), path, "", rk)
	if err != nil || s.Added || s.Move != nil || !s.CID.Equals(rc) || s.Signed.Root.Version != 1 {
		t.Fatalf("SignRootFile: %+v, %v", s, err)
	}
	if rf, err := home.ReadRootFile(path); err != nil || !rf.Root.Equals(rc) {
		t.Fatalf("ReadRootFile: %+v, %v", rf, err)
	}
	if _, err := home.ReadMoveFile(path); !errors.Is(err, home.ErrNotMoveFile) {
		t.Fatalf("ReadMoveFile of a root file: %v", err)
	}
}

// initRoles returns a home whose registry starts with a trust Root
// (InitOptions.Roles), closed when the test ends, and the directory of
// its root and publish keys.
func initRoles(t *testing.T) (*home.Home, string) {
	t.Helper()
	roles := t.TempDir()
	h, err := home.Open(filepath.Join(t.TempDir(), "home"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	if _, err := h.Init(t.Context(), home.InitOptions{Roles: roles}); err != nil {
		t.Fatal(err)
	}
	return h, roles
}

// TestRootChangeKeys: added keys are read from .pub files with their
// role; removed ones are a .pub file or a key id; a file that holds no
// public key is ErrNotPublicKey.
func TestRootChangeKeys(t *testing.T) {
	dir := t.TempDir()
	pub, err := home.NewRoleKey(filepath.Join(dir, "a.key"), nil)
	if err != nil {
		t.Fatal(err)
	}
	id := trust.KeyID(pub)
	var ch registry.RootChange
	add := []home.RoleKeyFile{{Role: trust.RolePublish, Path: filepath.Join(dir, "a.key"+home.PubSuffix)}}
	if err := home.RootChangeKeys(&ch, add, []string{id, filepath.Join(dir, "a.key"+home.PubSuffix)}); err != nil {
		t.Fatal(err)
	}
	if len(ch.Add) != 1 || ch.Add[0].Role != trust.RolePublish || trust.KeyID(ch.Add[0].Key) != id || len(ch.Remove) != 2 || ch.Remove[0] != id || ch.Remove[1] != id {
		t.Fatalf("change: %+v", ch)
	}
	bad := []home.RoleKeyFile{{Role: trust.RoleRoot, Path: filepath.Join(dir, "a.key")}}
	if err := home.RootChangeKeys(&ch, bad, nil); !errors.Is(err, home.ErrNotPublicKey) {
		t.Fatalf("a private key file as a public one: %v", err)
	}
}
