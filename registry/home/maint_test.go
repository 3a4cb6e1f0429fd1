package home_test

import (
	"errors"
	"testing"

	"github.com/svcreg/svcreg/registry/home"
)

// TestMaintenance: Fsck and GC run on the home's own files, and change
// nothing in a read-only home.
func TestMaintenance(t *testing.T) {
	dir := mustHome(t)
	ro, err := home.Open(dir, &home.Options{ReadOnly: true, KeepCorrupt: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ro.Fsck(t.Context(), home.FsckOptions{})
	if err != nil || rep.Err() != nil {
		t.Fatalf("Fsck: %v, %v", err, rep.Err())
	}
	if len(rep.Registries) != 1 || !rep.Registries[0].Own || rep.Registries[0].Missing != 0 {
		t.Fatalf("Fsck registries: %+v", rep.Registries)
	}
	if _, err := ro.Fsck(t.Context(), home.FsckOptions{Repair: true}); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("Fsck --repair in a read-only home: %v, want ErrReadOnly", err)
	}
	if _, err := ro.GC(t.Context(), home.GCOptions{}); !errors.Is(err, home.ErrReadOnly) {
		t.Errorf("GC in a read-only home: %v, want ErrReadOnly", err)
	}
	dry, err := ro.GC(t.Context(), home.GCOptions{DryRun: true, DropUnfollowed: true})
	if err != nil || !dry.DryRun || dry.Blocks != 0 || dry.Kept == 0 {
		t.Fatalf("GC dry run: %+v, %v", dry, err)
	}
	ro.Close()

	h, err := home.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	out, err := h.GC(t.Context(), home.GCOptions{})
	if err != nil || out.Blocks != 0 || out.Kept != dry.Kept {
		t.Fatalf("GC: %+v, %v; the dry run kept %d", out, err, dry.Kept)
	}
}
