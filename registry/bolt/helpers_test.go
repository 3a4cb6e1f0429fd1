package bolt

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
	"github.com/svcreg/svcreg/registry"
)

// testCid returns the CIDv1 of the raw block s.
func testCid(s string) cid.Cid {
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte(s))
	if err != nil {
		panic(err) // sha2-256 of a byte slice cannot fail
	}
	return c
}

// testHead returns a head of name at seq with a root derived from both.
func testHead(t testing.TB, name string, seq uint64) registry.Head {
	t.Helper()
	return registry.Head{
		Name:   name,
		Root:   testCid(fmt.Sprintf("%s@%d", name, seq)),
		Seq:    seq,
		Record: []byte(fmt.Sprintf("record %s %d", name, seq)),
	}
}

// openTest opens a fresh index in a temporary directory.
func openTest(t testing.TB) (*Index, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "index.db")
	c, err := Open(path, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

// mustSwap moves the head or fails the test.
func mustSwap(t testing.TB, c *Index, prev uint64, h registry.Head) {
	t.Helper()
	if err := c.SwapHead(context.Background(), prev, h); err != nil {
		t.Fatalf("SwapHead(%d, seq %d): %v", prev, h.Seq, err)
	}
}

func equalHead(a, b registry.Head) bool {
	return a.Name == b.Name && a.Root.Equals(b.Root) && a.Seq == b.Seq && string(a.Record) == string(b.Record)
}
