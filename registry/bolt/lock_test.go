package bolt

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry"
)

func TestReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	if _, err := Open(path, &Options{ReadOnly: true}); err == nil {
		t.Fatal("read-only Open of a missing file succeeded")
	}
	w, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := testHead(t, name, 3)
	mustSwap(t, w, 0, h)
	w.Close()

	// Two readers share the lock.
	r1, err := Open(path, &Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer r1.Close()
	r2, err := Open(path, &Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	defer r2.Close()
	for _, r := range []*Index{r1, r2} {
		if got, err := r.Head(ctx, name); err != nil || !equalHead(got, h) {
			t.Fatalf("Head: %+v, %v", got, err)
		}
	}
	if err := r1.SwapHead(ctx, 3, testHead(t, name, 4)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SwapHead: got %v, want ErrReadOnly", err)
	}
	if err := r1.PutResolution(ctx, name, h.Root, "q", registry.Resolution{}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("PutResolution: got %v, want ErrReadOnly", err)
	}
	// A writer is locked out while readers are open.
	if _, err := Open(path, &Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("writer Open with readers: got %v, want ErrLocked", err)
	}
}

func TestLocked(t *testing.T) {
	_, path := openTest(t)
	for _, ro := range []bool{false, true} {
		// The error names the wait it gave up after: Timeout's.
		_, err := Open(path, &Options{ReadOnly: ro, Timeout: 200 * time.Millisecond})
		if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "(waited 200ms)") {
			t.Fatalf("Open(ReadOnly=%v) of a locked file: got %v, want ErrLocked after waiting 200ms", ro, err)
		}
	}
}
