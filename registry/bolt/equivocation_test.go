package bolt

import (
	"context"
	"slices"
	"testing"

	"github.com/svcreg/svcreg/registry"
)

// Equivocation evidence is kept once per pair, read back in key order,
// and a Snapshot's is written by Commit; Check accepts the bucket.
func TestEquivocations(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	if got, err := c.Equivocations(ctx); err != nil || len(got) != 0 {
		t.Fatalf("new index: %+v, %v", got, err)
	}
	e1 := registry.Equivocation{Name: "a", Seq: 7, Kept: testCid("kept"), Other: testCid("other 1")}
	e2 := e1
	e2.Other = testCid("other 2")
	for _, e := range []registry.Equivocation{e1, e2, e1} {
		if err := c.AddEquivocation(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := c.Equivocations(ctx); err != nil || !slices.Equal(got, []registry.Equivocation{e1, e2}) {
		t.Fatalf("evidence %+v, %v", got, err)
	}
	if err := c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := LoadSnapshot(ctx, path, "b", nil)
	if err != nil {
		t.Fatal(err)
	}
	e3 := registry.Equivocation{Name: "b", Seq: 2, Kept: testCid("b kept"), Other: testCid("b other")}
	if err := s.AddEquivocation(ctx, e3); err != nil || !s.Changed() {
		t.Fatalf("snapshot: %v, changed %v", err, s.Changed())
	}
	if err := s.Commit(ctx, path, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if got, err := c2.Equivocations(ctx); err != nil || !slices.Equal(got, []registry.Equivocation{e1, e2, e3}) {
		t.Fatalf("committed evidence %+v, %v", got, err)
	}
}
