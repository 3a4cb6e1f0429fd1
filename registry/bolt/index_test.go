package bolt

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	bbolt "go.etcd.io/bbolt"
)

const name = "k51qzi5uqu5dtestregistry"

func TestHeadRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, path := openTest(t)

	if _, err := c.Head(ctx, name); !errors.Is(err, registry.ErrNoHead) {
		t.Fatalf("Head on empty index: got %v, want ErrNoHead", err)
	}
	if f, err := c.Floor(ctx, name); err != nil || f != 0 {
		t.Fatalf("Floor on empty index: got %d, %v", f, err)
	}
	h1 := testHead(t, name, 1)
	mustSwap(t, c, 0, h1)
	h7 := testHead(t, name, 7)
	mustSwap(t, c, 1, h7)

	got, err := c.Head(ctx, name)
	if err != nil || !equalHead(got, h7) {
		t.Fatalf("Head: got %+v, %v; want %+v", got, err, h7)
	}
	if f, err := c.Floor(ctx, name); err != nil || f != 7 {
		t.Fatalf("Floor: got %d, %v; want 7", f, err)
	}
	// Another registry is independent.
	if _, err := c.Head(ctx, name+"x"); !errors.Is(err, registry.ErrNoHead) {
		t.Fatalf("Head of other registry: got %v, want ErrNoHead", err)
	}

	// The head survives a reopen, and the file is private.
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("index file mode %o, want 600", perm)
	}
	c2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	got, err = c2.Head(ctx, name)
	if err != nil || !equalHead(got, h7) {
		t.Fatalf("Head after reopen: got %+v, %v; want %+v", got, err, h7)
	}
}

func TestSwapHeadRefused(t *testing.T) {
	tests := []struct {
		desc string
		prev uint64
		seq  uint64
		want error
	}{
		{"stale prevSeq", 4, 6, registry.ErrHeadMoved},
		{"prevSeq from the future", 6, 7, registry.ErrHeadMoved},
		{"prevSeq 0 with a head stored", 0, 6, registry.ErrHeadMoved},
		{"same seq", 5, 5, registry.ErrRollback},
		{"older seq", 5, 3, registry.ErrRollback},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ctx := context.Background()
			c, _ := openTest(t)
			h5 := testHead(t, name, 5)
			mustSwap(t, c, 0, h5)

			err := c.SwapHead(ctx, tt.prev, testHead(t, name, tt.seq))
			if !errors.Is(err, tt.want) {
				t.Fatalf("SwapHead(%d, seq %d): got %v, want %v", tt.prev, tt.seq, err, tt.want)
			}
			if got, err := c.Head(ctx, name); err != nil || !equalHead(got, h5) {
				t.Errorf("head changed by refused swap: %+v, %v", got, err)
			}
			if f, err := c.Floor(ctx, name); err != nil || f != 5 {
				t.Errorf("floor changed by refused swap: %d, %v", f, err)
			}
		})
	}
}

func TestSwapHeadInvalid(t *testing.T) {
	valid := testHead(t, name, 1)
	tests := []struct {
		desc string
		edit func(h *registry.Head)
	}{
		{"no name", func(h *registry.Head) { h.Name = "" }},
		{"undefined root", func(h *registry.Head) { h.Root = cid.Undef }},
		{"sequence 0", func(h *registry.Head) { h.Seq = 0 }},
	}
	c, _ := openTest(t)
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			h := valid
			tt.edit(&h)
			if err := c.SwapHead(context.Background(), 0, h); !errors.Is(err, ErrInvalidHead) {
				t.Fatalf("got %v, want ErrInvalidHead", err)
			}
		})
	}
}

func TestResolutions(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	h1 := testHead(t, name, 1)
	r := registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.2.3"), CID: testCid("tts 1.2.3")}

	// No head yet: PutResolution is a no-op.
	if err := c.PutResolution(ctx, name, h1.Root, "tts@^1", r); err != nil {
		t.Fatal(err)
	}
	mustSwap(t, c, 0, h1)
	if _, ok, err := c.Resolution(ctx, name, h1.Root, "tts@^1"); ok || err != nil {
		t.Fatalf("resolution stored before the head: ok=%v err=%v", ok, err)
	}

	if err := c.PutResolution(ctx, name, h1.Root, "tts@^1", r); err != nil {
		t.Fatal(err)
	}
	got, ok, err := c.Resolution(ctx, name, h1.Root, "tts@^1")
	if err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Resolution: got %+v, %v, %v; want %+v", got, ok, err, r)
	}
	for _, miss := range []struct {
		name  string
		root  cid.Cid
		query string
	}{
		{name, h1.Root, "tts@^2"},
		{name, testCid("other root"), "tts@^1"},
		{name + "x", h1.Root, "tts@^1"},
		{name, cid.Undef, "tts@^1"},
	} {
		if _, ok, err := c.Resolution(ctx, miss.name, miss.root, miss.query); ok || err != nil {
			t.Errorf("Resolution(%s, %s, %q): ok=%v err=%v, want a miss", miss.name, miss.root, miss.query, ok, err)
		}
	}

	// Moving the head drops the cached answers.
	h2 := testHead(t, name, 2)
	mustSwap(t, c, 1, h2)
	if _, ok, err := c.Resolution(ctx, name, h1.Root, "tts@^1"); ok || err != nil {
		t.Fatalf("resolution for old root survived the head move: ok=%v err=%v", ok, err)
	}
	// An answer computed against the old root arrives late: ignored.
	if err := c.PutResolution(ctx, name, h1.Root, "tts@^1", r); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := c.Resolution(ctx, name, h1.Root, "tts@^1"); ok || err != nil {
		t.Fatalf("stale PutResolution stored: ok=%v err=%v", ok, err)
	}
	if err := c.PutResolution(ctx, name, h2.Root, "tts@^1", r); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := c.Resolution(ctx, name, h2.Root, "tts@^1"); err != nil || !ok || !reflect.DeepEqual(got, r) {
		t.Fatalf("Resolution at new root: got %+v, %v, %v", got, ok, err)
	}
}

func TestCorruptValue(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		desc   string
		bucket []byte
		nested bool // the key lives in the registry's resolution bucket
		check  func(c *Index, root cid.Cid) error
	}{
		{"head", bucketHeads, false, func(c *Index, _ cid.Cid) error {
			_, err := c.Head(ctx, name)
			return err
		}},
		{"head on swap", bucketHeads, false, func(c *Index, _ cid.Cid) error {
			return c.SwapHead(ctx, 1, testHead(t, name, 2))
		}},
		{"floor", bucketFloors, false, func(c *Index, _ cid.Cid) error {
			_, err := c.Floor(ctx, name)
			return err
		}},
		{"resolution", bucketResolutions, true, func(c *Index, root cid.Cid) error {
			_, _, err := c.Resolution(ctx, name, root, "q")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			c, path := openTest(t)
			h := testHead(t, name, 1)
			mustSwap(t, c, 0, h)
			if err := c.PutResolution(ctx, name, h.Root, "q", registry.Resolution{Service: "s"}); err != nil {
				t.Fatal(err)
			}
			c.Close()

			db, err := bbolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bbolt.Tx) error {
				b := tx.Bucket(tt.bucket)
				key := []byte(name)
				if tt.nested {
					b, key = b.Bucket(key), resolutionKey(h.Root, "q")
				}
				return b.Put(key, []byte{0xff, 0x00, 0x01})
			})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}

			c2, err := Open(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c2.Close()
			if err := tt.check(c2, h.Root); !errors.Is(err, ErrCorruptIndex) {
				t.Fatalf("got %v, want ErrCorruptIndex", err)
			}
		})
	}
}

func TestLayoutVersionMismatch(t *testing.T) {
	c, path := openTest(t)
	c.Close()
	db, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyLayout, []byte{layoutVersion + 1})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		if _, err := Open(path, &Options{ReadOnly: ro}); !errors.Is(err, ErrCorruptIndex) {
			t.Errorf("Open(ReadOnly=%v) of a newer layout: got %v, want ErrCorruptIndex", ro, err)
		}
	}
}

func TestCanceledContext(t *testing.T) {
	c, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	h := testHead(t, name, 1)
	calls := map[string]error{
		"Head":          func() error { _, err := c.Head(ctx, name); return err }(),
		"SwapHead":      c.SwapHead(ctx, 0, h),
		"Floor":         func() error { _, err := c.Floor(ctx, name); return err }(),
		"Resolution":    func() error { _, _, err := c.Resolution(ctx, name, h.Root, "q"); return err }(),
		"PutResolution": c.PutResolution(ctx, name, h.Root, "q", registry.Resolution{}),
	}
	for call, err := range calls {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: got %v, want context.Canceled", call, err)
		}
	}
}

func TestNames(t *testing.T) {
	ctx := context.Background()
	c, _ := openTest(t)
	if names, err := c.Names(ctx); err != nil || len(names) != 0 {
		t.Fatalf("Names of an empty index: %v, %v", names, err)
	}
	mustSwap(t, c, 0, testHead(t, name+"b", 1))
	mustSwap(t, c, 0, testHead(t, name+"a", 3))
	names, err := c.Names(ctx)
	if err != nil || len(names) != 2 || names[0] != name+"a" || names[1] != name+"b" {
		t.Fatalf("Names: %v, %v", names, err)
	}
}
