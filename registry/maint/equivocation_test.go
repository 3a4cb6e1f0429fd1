package maint_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/maint"
)

// fsck lists the equivocation evidence the index keeps, as notes.
func TestCheckNotesEquivocation(t *testing.T) {
	ctx := context.Background()
	h := mustHome(t, "hello")
	idx, err := bolt.Open(h.index, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := registry.Equivocation{Name: h.name, Seq: h.head.Seq, Kept: h.head.Root, Other: h.putOld(t, "twin", 0)}
	if err := idx.AddEquivocation(ctx, e); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	rep, err := maint.Check(ctx, maint.CheckOptions{Blocks: h.blocks, IndexPath: h.index, Own: h.name})
	if err != nil || rep.Err() != nil {
		t.Fatalf("check: %v, %v", err, rep.Err())
	}
	if !slices.ContainsFunc(rep.Notes, func(n string) bool {
		return strings.Contains(n, "equivocation at seq") && strings.Contains(n, e.Other.String())
	}) {
		t.Fatalf("notes %q: no equivocation", rep.Notes)
	}
}
