package flatfs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// TestGetInto: a block larger than the memo keeps is read into the
// caller's buffer when it has room (block size plus one), into a new
// slice otherwise; small blocks kept by the memo are copied into it. A
// block whose file rots is refused, buffer or not, and quarantined.
func TestGetInto(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	big := bytes.Repeat([]byte("0123456789abcdef"), (maxHeldBlock+16)/16) // not kept by the memo
	small := []byte("a small block")
	cb, cs := sum(t, 1, cid.Raw, big), sum(t, 1, cid.Raw, small)
	for c, data := range map[cid.Cid][]byte{cb: big, cs: small} {
		if err := s.Put(ctx, c, data); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, len(big)+1)
	for i := range 3 { // the first read hashes, the others find the version verified
		got, err := s.GetInto(ctx, cb, buf)
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("read %d: %d bytes, %v", i, len(got), err)
		}
		if &got[0] != &buf[0] {
			t.Fatalf("read %d: not read into the buffer", i)
		}
		got, err = s.GetInto(ctx, cs, buf)
		if err != nil || !bytes.Equal(got, small) || &got[0] != &buf[0] {
			t.Fatalf("small, read %d: %q, %v (into the buffer: %v)", i, got, err, err == nil && &got[0] == &buf[0])
		}
	}
	short := make([]byte, len(big))
	got, err := s.GetInto(ctx, cb, short)
	if err != nil || !bytes.Equal(got, big) || &got[0] == &short[0] {
		t.Fatalf("short buffer: %d bytes, %v (into it: %v)", len(got), err, err == nil && &got[0] == &short[0])
	}

	path := blockFile(dir, cb)
	rotten := bytes.Clone(big)
	rotten[len(rotten)/2] ^= 1
	if err := os.WriteFile(path, rotten, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetInto(ctx, cb, buf); !errors.Is(err, registry.ErrCorruptBlock) || got != nil {
		t.Fatalf("rotten block: %d bytes, %v; want none and ErrCorruptBlock", len(got), err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the rotten block was not quarantined")
	}
}
