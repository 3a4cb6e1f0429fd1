package flatfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/registry/flatfs"
)

// TestLease: a held lease is the oldest until released; a lease file
// nobody holds (its writer was killed) holds nothing back and is removed.
func TestLease(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blocks")
	s, err := flatfs.Open(dir, &flatfs.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.OldestLease(false); ok || err != nil {
		t.Fatalf("OldestLease of a new store = %v, %v", ok, err)
	}
	l, err := s.Lease()
	if err != nil {
		t.Fatal(err)
	}
	if start, ok, err := s.OldestLease(false); !ok || err != nil || !start.Equal(l.Start) {
		t.Fatalf("OldestLease = %v, %v, %v; want %v", start, ok, err, l.Start)
	}
	l.Release()
	l.Release()
	dead := filepath.Join(dir, ".writers", "lease-dead")
	if err := os.WriteFile(dead, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.OldestLease(true); ok || err != nil {
		t.Fatalf("a dead lease counts: %v, %v", ok, err)
	}
	if _, err := os.Stat(dead); err != nil {
		t.Fatalf("a dry look removed the dead lease: %v", err)
	}
	if _, ok, err := s.OldestLease(false); ok || err != nil {
		t.Fatalf("a dead lease counts: %v, %v", ok, err)
	}
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Fatalf("dead lease not removed: %v", err)
	}
}
