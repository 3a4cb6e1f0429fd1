package home_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// mustHome returns a home with a registry key and one release.
func mustHome(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home")
	site := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("hi\n"), 0o644)
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.MkdirAll(); err != nil {
		t.Fatal(err)
	}
	if err := h.SaveKey(key); err != nil {
		t.Fatal(err)
	}
	reg, err := h.Signing(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Publish(t.Context(), home.PublishDir{Service: "web", Version: manifest.MustParseVersion("1.0.0"), Dir: site}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadsShareTheIndex: a Home that only reads holds the index with a
// shared lock, so another reader opens it at once, and a writer waits.
func TestReadsShareTheIndex(t *testing.T) {
	dir := mustHome(t)
	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if names, err := h.Names(t.Context()); err != nil || len(names) != 1 {
		t.Fatalf("Names = %v, %v", names, err)
	}
	other, err := bolt.Open(h.IndexPath(), &bolt.Options{ReadOnly: true, Timeout: -1})
	if err != nil {
		t.Fatalf("a second reader: %v", err)
	}
	other.Close()
	if _, err := bolt.Open(h.IndexPath(), &bolt.Options{Timeout: -1}); !errors.Is(err, bolt.ErrLocked) {
		t.Fatalf("a writer beside a reader: %v, want ErrLocked", err)
	}
}

// TestLockTimeout: a home locked by another process fails Lock after
// Options.LockTimeout, not bolt.DefaultTimeout.
func TestLockTimeout(t *testing.T) {
	dir := mustHome(t)
	held, err := bolt.Open(filepath.Join(dir, home.IndexFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	h, err := home.Open(dir, &home.Options{LockTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// The error names the wait it gave up after: LockTimeout's, not the
	// default's.
	_, err = h.Lock()
	if !errors.Is(err, bolt.ErrLocked) || !strings.Contains(err.Error(), "(waited 50ms)") {
		t.Fatalf("Lock: %v, want ErrLocked after waiting 50ms", err)
	}
}

// TestReadOnlyHome: a read-only home reads, and refuses every change.
func TestReadOnlyHome(t *testing.T) {
	dir := mustHome(t)
	h, err := home.Open(dir, &home.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	reg, err := h.Registry()
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := manifest.ParseSpec("web")
	if _, err := reg.Resolve(context.Background(), spec); err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if err := h.RequireWritable(); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("RequireWritable: %v", err)
	}
	if _, err := h.Lock(); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("Lock: %v", err)
	}
	if _, err := h.Signing(0, 0); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("Signing: %v", err)
	}
	if err := h.SaveConfig(&home.Config{}); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("SaveConfig: %v", err)
	}
}

// TestMissingKey: a home without a key says so with ErrNoKey.
func TestMissingKey(t *testing.T) {
	h, err := home.Open(filepath.Join(t.TempDir(), "new"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if _, err := h.Key(); !errors.Is(err, home.ErrNoKey) {
		t.Errorf("Key: %v", err)
	}
	if _, err := os.Stat(h.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a home created it: %v", err)
	}
}

func TestCheck(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	if err := home.Check(file); !errors.Is(err, home.ErrNotDir) {
		t.Errorf("Check(file) = %v", err)
	}
	if err := home.Check(filepath.Join(t.TempDir(), "new")); err != nil {
		t.Errorf("Check(new) = %v", err)
	}
}
