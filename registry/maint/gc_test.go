package maint_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/maint"
)

// GC removes an old block no head reaches, keeps a young one and
// everything the head reaches; a dry run removes nothing.
func TestGCRemovesUnreachable(t *testing.T) {
	h := mustHome(t, "hello")
	old := h.putOld(t, "unreachable and old", 2*time.Hour)
	young := h.putOld(t, "unreachable and young", time.Minute)
	opt := maint.GCOptions{Blocks: h.blocks, IndexPath: h.index, Grace: maint.DefaultGrace, DryRun: true}
	out, err := maint.GC(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if !out.DryRun || out.Blocks != 1 || out.YoungBlocks != 1 || !h.has(t, old) {
		t.Fatalf("dry run: %+v, old stored %v", out, h.has(t, old))
	}
	opt.DryRun = false
	if out, err = maint.GC(t.Context(), opt); err != nil {
		t.Fatal(err)
	}
	if out.Blocks != 1 || out.Bytes != int64(len("unreachable and old")) || h.has(t, old) || !h.has(t, young) {
		t.Fatalf("gc: %+v, old stored %v, young stored %v", out, h.has(t, old), h.has(t, young))
	}
	rep, err := maint.Check(t.Context(), maint.CheckOptions{Blocks: h.blocks, IndexPath: h.index, Own: h.name})
	if err != nil || rep.Err() != nil {
		t.Fatalf("check after gc: %v %v", err, rep.Err())
	}
}

// Temporary files a killed writer left go once older than the grace.
func TestGCTemps(t *testing.T) {
	h := mustHome(t, "hello")
	shard := filepath.Dir(h.blockFile(t, "hello"))
	tmp := filepath.Join(shard, ".put-left")
	if err := os.WriteFile(tmp, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-2 * time.Hour)
	os.Chtimes(tmp, then, then)
	out, err := maint.GC(t.Context(), maint.GCOptions{Blocks: h.blocks, IndexPath: h.index, Grace: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); out.Temps != 1 || out.TempBytes != 7 || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("gc: %+v, temporary file: %v", out, err)
	}
}

// What only a registry that is not kept reaches goes.
func TestGCKeep(t *testing.T) {
	h := mustHome(t, "hello")
	out, err := maint.GC(t.Context(), maint.GCOptions{
		Blocks: h.blocks, IndexPath: h.index, Keep: func(string) bool { return false },
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Blocks == 0 || out.Kept != 0 || h.has(t, h.head.Root) {
		t.Fatalf("gc keeping nothing: %+v", out)
	}
}

// A damaged block a head reaches stops GC before it removes anything.
func TestGCDamagedReach(t *testing.T) {
	h := mustHome(t, "hello, damaged")
	old := h.putOld(t, "unreachable and old", 2*time.Hour)
	h.flip(t, "hello, damaged")
	_, err := maint.GC(t.Context(), maint.GCOptions{Blocks: h.blocks, IndexPath: h.index})
	var re *maint.ReachError
	if !errors.As(err, &re) || !errors.Is(err, registry.ErrCorruptBlock) || re.Registry != h.name {
		t.Fatalf("gc: %v", err)
	}
	if !h.has(t, old) {
		t.Fatal("gc removed a block while a reachable one is damaged")
	}
}

// A damaged index stops GC with an *IndexError.
func TestGCDamagedIndex(t *testing.T) {
	h := mustHome(t, "hello")
	if err := os.Truncate(h.index, 100); err != nil {
		t.Fatal(err)
	}
	_, err := maint.GC(t.Context(), maint.GCOptions{Blocks: h.blocks, IndexPath: h.index})
	if !errors.As(err, new(*maint.IndexError)) {
		t.Fatalf("gc: %v", err)
	}
}

func TestStorageUsed(t *testing.T) {
	h := mustHome(t, "hello")
	before, err := maint.StorageUsed(t.Context(), h.blocks)
	if err != nil {
		t.Fatal(err)
	}
	h.putOld(t, "twelve bytes", 0)
	after, err := maint.StorageUsed(t.Context(), h.blocks)
	if err != nil || after-before != 12 {
		t.Fatalf("used %d, then %d (%v)", before, after, err)
	}
}
