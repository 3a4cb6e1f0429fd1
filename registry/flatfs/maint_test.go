package flatfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/registry"
)

func setAge(t *testing.T, p string, age time.Duration) {
	t.Helper()
	old := time.Now().Add(-age)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
}

// A Put of a block that is already stored touches it, so gc's grace
// period counts from the last publish that linked it.
func TestPutTouchesStoredBlock(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	c := sum(t, 1, cid.Raw, []byte("shared"))
	if err := s.Put(ctx, c, []byte("shared")); err != nil {
		t.Fatal(err)
	}
	setAge(t, blockFile(dir, c), 48*time.Hour)
	if err := s.Put(ctx, c, []byte("shared")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(blockFile(dir, c))
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(fi.ModTime()) > time.Minute {
		t.Fatalf("Put of a stored block left its mtime %s old", time.Since(fi.ModTime()))
	}
	// RemoveIfOlder keeps it now, and removes it once it is old
	if ok, err := s.RemoveIfOlder(c.Hash(), time.Now().Add(-time.Hour)); ok || err != nil {
		t.Fatalf("RemoveIfOlder of a fresh block = %v, %v", ok, err)
	}
	setAge(t, blockFile(dir, c), 2*time.Hour)
	if ok, err := s.RemoveIfOlder(c.Hash(), time.Now().Add(-time.Hour)); !ok || err != nil {
		t.Fatalf("RemoveIfOlder of an old block = %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, c); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("get after remove: %v", err)
	}
}

func TestListTempsQuarantine(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	a, b := sum(t, 1, cid.Raw, []byte("a")), sum(t, 1, cid.Raw, []byte("b"))
	s.Put(ctx, a, []byte("a"))
	s.Put(ctx, b, []byte("b"))
	n := 0
	if err := s.List(ctx, func(sb StoredBlock) error {
		if Key(sb.Hash) != Key(a.Hash()) && Key(sb.Hash) != Key(b.Hash()) {
			t.Errorf("listed %v", sb.Hash)
		}
		n++
		return nil
	}); err != nil || n != 2 {
		t.Fatalf("List: %d blocks, %v", n, err)
	}

	shard := filepath.Dir(blockFile(dir, a))
	oldTmp, newTmp := filepath.Join(shard, tmpPrefix+"old"), filepath.Join(dir, tmpPrefix+"new")
	os.WriteFile(oldTmp, []byte("partial"), 0o644)
	os.WriteFile(newTmp, []byte("partial"), 0o644)
	setAge(t, oldTmp, 2*time.Hour)
	temps, err := s.Temps(time.Now().Add(-time.Hour))
	if err != nil || len(temps) != 1 || temps[0].Path != oldTmp {
		t.Fatalf("Temps = %v, %v; want only %s", temps, err, oldTmp)
	}

	os.WriteFile(blockFile(dir, a), []byte("rot"), 0o644)
	if err := s.Check(ctx, a.Hash()); !errors.Is(err, registry.ErrCorruptBlock) {
		t.Fatalf("Check of a corrupt block: %v", err)
	}
	if err := s.Quarantine(a.Hash()); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, a.Hash()); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("Check after quarantine: %v", err)
	}
	if err := s.Check(ctx, b.Hash()); err != nil {
		t.Fatalf("Check of a good block: %v", err)
	}
}
