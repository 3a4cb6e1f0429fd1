package bolt_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// TestTransientReleasesTheLock checks that between calls another opener
// gets the index at once, and that the rules of SwapHead still hold.
func TestTransientReleasesTheLock(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index.db")
	tc := bolt.NewTransient(path, nil)
	root, _ := cid.Prefix{Version: 1, Codec: cid.DagCBOR, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte("m"))
	h := registry.Head{Name: "k51x", Root: root, Seq: 1, Record: []byte("r")}
	if err := tc.SwapHead(ctx, 0, h); err != nil {
		t.Fatal(err)
	}
	other, err := bolt.Open(path, &bolt.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("another opener waited for a Transient between calls: %v", err)
	}
	got, err := other.Head(ctx, "k51x")
	other.Close()
	if err != nil || got.Seq != 1 || !got.Root.Equals(root) {
		t.Fatalf("Head through a plain Index = %+v, %v", got, err)
	}
	if err := tc.SwapHead(ctx, 0, h); !errors.Is(err, registry.ErrHeadMoved) {
		t.Fatalf("stale SwapHead: %v, want ErrHeadMoved", err)
	}
	if err := tc.PutResolution(ctx, "k51x", root, "tts", registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), CID: root}); err != nil {
		t.Fatal(err)
	}
	r, ok, err := tc.Resolution(ctx, "k51x", root, "tts")
	if err != nil || !ok || r.Version.String() != "1.0.0" {
		t.Fatalf("Resolution = %+v, %v, %v", r, ok, err)
	}
	if f, err := tc.Floor(ctx, "k51x"); err != nil || f != 1 {
		t.Fatalf("Floor = %d, %v", f, err)
	}
}

// TestTransientReadsCreateNothing checks that reads of an index that does
// not exist answer as an empty one and create neither the file nor its
// directory, and that the first write creates both.
func TestTransientReadsCreateNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "home", "index.db")
	tc := bolt.NewTransient(path, nil)
	if _, err := tc.Head(ctx, "k51x"); !errors.Is(err, registry.ErrNoHead) {
		t.Fatalf("Head = %v, want ErrNoHead", err)
	}
	if f, err := tc.Floor(ctx, "k51x"); err != nil || f != 0 {
		t.Fatalf("Floor = %d, %v", f, err)
	}
	if _, ok, err := tc.Resolution(ctx, "k51x", cid.Undef, "tts"); err != nil || ok {
		t.Fatalf("Resolution = %v, %v", ok, err)
	}
	if at, err := tc.Checked(ctx, "k51x"); err != nil || !at.IsZero() {
		t.Fatalf("Checked = %v, %v", at, err)
	}
	if _, _, ok, err := tc.Signing(ctx, "k51x", 1); err != nil || ok {
		t.Fatalf("Signing = %v, %v", ok, err)
	}
	if v, err := tc.ReplicaState(ctx, "k51x", "r"); err != nil || v != nil {
		t.Fatalf("ReplicaState = %q, %v", v, err)
	}
	if _, err := os.Lstat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("reads created %s: %v", filepath.Dir(path), err)
	}
	if err := tc.MarkChecked(ctx, "k51x", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the first write did not create the file: %v", err)
	}
}
