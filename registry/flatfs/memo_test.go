package flatfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	dshelp "github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
)

// TestVerifiedMemo reads a block twice (hashed once), then changes its
// file in every way a writer can: in place with the modification time
// put back, replaced by a new file, truncated. Each change is caught on
// the next read.
func TestVerifiedMemo(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "blocks"), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("a block that will be read many times")
	c := sum(t, 1, cid.Raw, data)
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	key := dshelp.MultihashToDsKey(c.Hash())
	_, file, err := s.ds.path(key)
	if err != nil {
		t.Fatal(err)
	}
	read := func() error {
		_, err := s.Blockstore().Get(ctx, c)
		return err
	}
	if err := read(); err != nil {
		t.Fatal(err)
	}
	_, id, ok, _ := s.ds.readWithID(key)
	if !ok || !s.bs.memo.verified(key.String(), id) {
		t.Fatal("a verified read was not remembered")
	}

	bad := append([]byte(nil), data...)
	bad[3] ^= 1
	fi, _ := os.Stat(file)
	for _, tt := range []struct {
		desc   string
		change func()
	}{
		{"in place, mtime put back", func() {
			f, err := os.OpenFile(file, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteAt(bad, 0)
			f.Close()
			os.Chtimes(file, fi.ModTime(), fi.ModTime())
		}},
		{"replaced by a new file", func() {
			tmp := file + ".new"
			os.WriteFile(tmp, bad, 0o644)
			os.Chtimes(tmp, fi.ModTime(), fi.ModTime())
			os.Rename(tmp, file)
		}},
		{"truncated", func() { os.Truncate(file, int64(len(data)-1)) }},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			if err := s.Put(ctx, c, data); err != nil { // repair, then read: remembered
				t.Fatal(err)
			}
			if err := read(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond) // a change time of its own
			tt.change()
			if err := read(); !errors.Is(err, registry.ErrCorruptBlock) {
				t.Fatalf("read after the change: %v, want a corrupt block", err)
			}
		})
	}
}

// BenchmarkGetLarge reads one 1 MiB block: after the first read the
// memo spares the hash.
func BenchmarkGetLarge(b *testing.B) {
	ctx := context.Background()
	s, err := Open(filepath.Join(b.TempDir(), "blocks"), &Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum(data)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Put(ctx, c, data); err != nil {
		b.Fatal(err)
	}
	for _, memo := range []bool{false, true} {
		name := "hash-every-read"
		if memo {
			name = "memo"
		}
		b.Run(name, func(b *testing.B) {
			m := s.bs.memo
			if !memo {
				s.bs.memo = nil
			}
			defer func() { s.bs.memo = m }()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := s.Blockstore().Get(ctx, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
