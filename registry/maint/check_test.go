package maint_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/maint"
)

func TestCheckClean(t *testing.T) {
	h := mustHome(t, "hello")
	rep, err := maint.Check(t.Context(), maint.CheckOptions{Blocks: h.blocks, IndexPath: h.index, Own: h.name})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Index != maint.IndexOK || len(rep.Problems) != 0 || rep.Err() != nil {
		t.Fatalf("index %s, problems %q, err %v", rep.Index, rep.Problems, rep.Err())
	}
	if len(rep.Registries) != 1 {
		t.Fatalf("registries: %+v", rep.Registries)
	}
	r := rep.Registries[0]
	if r.Name != h.name || !r.Own || r.Seq != h.head.Seq || r.Root != h.head.Root.String() || r.Blocks == 0 || r.Missing+r.Corrupt != 0 {
		t.Fatalf("registry: %+v, head %+v", r, h.head)
	}
	if rep.Stored < r.Blocks {
		t.Fatalf("stored %d < reached %d", rep.Stored, r.Blocks)
	}
}

// A corrupt content block is a problem; Repair quarantines it and, with
// no source to fetch a good copy from, leaves the registry's block
// missing.
func TestCheckCorruptBlock(t *testing.T) {
	h := mustHome(t, "hello, corrupt me")
	h.flip(t, "hello, corrupt me")
	opt := maint.CheckOptions{Blocks: h.blocks, IndexPath: h.index, Own: h.name}
	rep, err := maint.Check(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	var pe *maint.ProblemsError
	if err := rep.Err(); !errors.As(err, &pe) || !errors.Is(err, maint.ErrProblems) || pe.Repaired || pe.Unreachable {
		t.Fatalf("err %v (%+v)", err, pe)
	}
	if rep.Registries[0].Corrupt != 1 || len(rep.Problems) != 2 { // the registry's block, and the stored one
		t.Fatalf("corrupt %d, problems %q", rep.Registries[0].Corrupt, rep.Problems)
	}

	opt.Repair = true
	if rep, err = maint.Check(t.Context(), opt); err != nil {
		t.Fatal(err)
	}
	if len(rep.Repaired) != 1 || len(rep.Problems) != 1 {
		t.Fatalf("repaired %q, problems %q", rep.Repaired, rep.Problems)
	}
	if err := rep.Err(); !errors.As(err, &pe) || !pe.Repaired || pe.Unreachable {
		t.Fatalf("repair: %v (%+v)", err, pe)
	}
	// Quarantined, the block reads as missing: a fetch would replace it.
	opt.Repair = false
	if rep, err = maint.Check(t.Context(), opt); err != nil {
		t.Fatal(err)
	}
	if r := rep.Registries[0]; r.Missing != 1 || r.Corrupt != 0 {
		t.Fatalf("after repair: %+v", r)
	}
}

// unreachable is a registry.Source that never answers.
type unreachable struct{}

func (unreachable) Record(context.Context, string) ([]byte, error) {
	return nil, registry.ErrUnreachable
}
func (unreachable) Block(context.Context, cid.Cid) ([]byte, error) {
	return nil, registry.ErrUnreachable
}
func (unreachable) String() string { return "http://gateway.invalid" }

// When the only problems left are blocks that no source answered for,
// the error says so: a source that answers would repair them.
func TestCheckRepairUnreachable(t *testing.T) {
	h := mustHome(t, "hello, fetch me")
	if err := os.Remove(h.blockFile(t, "hello, fetch me")); err != nil {
		t.Fatal(err)
	}
	asked := 0
	rep, err := maint.Check(t.Context(), maint.CheckOptions{
		Blocks: h.blocks, IndexPath: h.index, Own: h.name, Repair: true,
		Sources: func(name string) ([]registry.Source, error) {
			asked++
			if name != h.name {
				t.Errorf("sources of %s", name)
			}
			return []registry.Source{unreachable{}}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	var pe *maint.ProblemsError
	if err := rep.Err(); !errors.As(err, &pe) || !pe.Unreachable || !errors.Is(err, registry.ErrUnreachable) {
		t.Fatalf("err %v (%+v), notes %q", err, pe, rep.Notes)
	}
	if asked == 0 || !rep.Unreachable {
		t.Fatalf("asked %d, unreachable %v", asked, rep.Unreachable)
	}
}

// A missing index is rebuilt from the records beside it, with its
// rollback floor.
func TestCheckRebuildsMissingIndex(t *testing.T) {
	h := mustHome(t, "hello")
	if err := os.Remove(h.index); err != nil {
		t.Fatal(err)
	}
	opt := maint.CheckOptions{Blocks: h.blocks, IndexPath: h.index, Own: h.name}
	rep, err := maint.Check(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Index != maint.IndexMissing || rep.Err() == nil {
		t.Fatalf("index %s, err %v", rep.Index, rep.Err())
	}
	opt.Repair = true
	if rep, err = maint.Check(t.Context(), opt); err != nil || rep.Index != maint.IndexRebuilt || rep.Err() != nil {
		t.Fatalf("repair: %v, index %s, problems %q", err, rep.Index, rep.Problems)
	}
	opt.Repair = false
	if rep, err = maint.Check(t.Context(), opt); err != nil || rep.Index != maint.IndexOK || rep.Err() != nil {
		t.Fatalf("after repair: %v, index %s, problems %q", err, rep.Index, rep.Problems)
	}
	if r := rep.Registries[0]; r.Seq != h.head.Seq || r.Root != h.head.Root.String() {
		t.Fatalf("rebuilt head %+v, want %+v", r, h.head)
	}
}
