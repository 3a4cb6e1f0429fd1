package bolt

import (
	"context"
	"errors"
	"testing"

	"github.com/svcreg/svcreg/registry"
)

// The root floor moves with the head in one transaction, only forward,
// and a Snapshot carries it to the file.
func TestRootFloor(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)
	if rf, err := c.RootFloor(ctx, "a"); err != nil || rf != (registry.RootFloor{}) {
		t.Fatalf("new index: root floor %+v, %v", rf, err)
	}
	v1 := registry.RootFloor{Root: testCid("root 1"), Version: 1}
	v2 := registry.RootFloor{Root: testCid("root 2"), Version: 2}
	if err := c.SwapHeadRoot(ctx, 0, testHead(t, "a", 1), v2); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []registry.RootFloor{v1, {Root: testCid("other 2"), Version: 2}} {
		err := c.SwapHeadRoot(ctx, 1, testHead(t, "a", 2), bad)
		if !errors.Is(err, registry.ErrRollback) {
			t.Fatalf("root floor %+v after v2: %v, want ErrRollback", bad, err)
		}
		if h, _ := c.Head(ctx, "a"); h.Seq != 1 {
			t.Fatalf("a refused root floor moved the head to seq %d", h.Seq)
		}
	}
	mustSwap(t, c, 1, testHead(t, "a", 2)) // a head without a Root leaves the floor
	if rf, _ := c.RootFloor(ctx, "a"); rf != v2 {
		t.Fatalf("root floor %+v, want %+v", rf, v2)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := LoadSnapshot(ctx, path, "a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if rf, _ := s.RootFloor(ctx, "a"); rf != v2 {
		t.Fatalf("snapshot root floor %+v, want %+v", rf, v2)
	}
	if err := s.SwapHeadRoot(ctx, 2, testHead(t, "a", 3), v1); !errors.Is(err, registry.ErrRollback) {
		t.Fatalf("snapshot: %v, want ErrRollback", err)
	}
	v3 := registry.RootFloor{Root: testCid("root 3"), Version: 3}
	if err := s.SwapHeadRoot(ctx, 2, testHead(t, "a", 3), v3); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(ctx, path, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	c2, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if rf, _ := c2.RootFloor(ctx, "a"); rf != v3 {
		t.Fatalf("committed root floor %+v, want %+v", rf, v3)
	}
}
