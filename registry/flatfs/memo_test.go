package flatfs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// TestHeldBlocks: a small block read once is answered from its kept
// bytes while its file is unchanged, and never once the file is gone or
// changed; a caller that changes the bytes it got changes no later read;
// the bytes kept stay within maxHeld.
func TestHeldBlocks(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "blocks"), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("a small block, kept in memory")
	c := sum(t, 1, cid.Raw, data)
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	key := dshelp.MultihashToDsKey(c.Hash()).String()
	_, file, _ := s.ds.path(dshelp.MultihashToDsKey(c.Hash()))
	got, err := s.Get(ctx, c)
	if err != nil || string(got) != string(data) {
		t.Fatalf("first read: %q %v", got, err)
	}
	if _, _, ok := s.bs.memo.heldBytes(key); !ok {
		t.Fatal("small block not kept after a verified read")
	}
	got[0] ^= 1 // the caller's copy
	if got, err := s.Get(ctx, c); err != nil || string(got) != string(data) {
		t.Fatalf("read after the caller changed its copy: %q %v", got, err)
	}

	// Changed on disk: the next read reads the file, finds it corrupt.
	bad := append([]byte(nil), data...)
	bad[0] ^= 1
	if err := os.WriteFile(file+".new", bad, 0o644); err != nil { // another inode
		t.Fatal(err)
	}
	if err := os.Rename(file+".new", file); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, c); !errors.Is(err, registry.ErrCorruptBlock) {
		t.Fatalf("read of a changed file: %v, want a corrupt block", err)
	}
	if _, _, ok := s.bs.memo.heldBytes(key); ok {
		t.Fatal("bytes still kept for a corrupt block")
	}

	// Gone from disk (gc): not found, though its bytes were kept.
	data2 := []byte("another small block")
	c2 := sum(t, 1, cid.Raw, data2)
	if err := s.Put(ctx, c2, data2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.bs.memo.held[dshelp.MultihashToDsKey(c2.Hash()).String()]; !ok {
		t.Fatal("second block not kept")
	}
	if removed, err := s.RemoveIfOlder(c2.Hash(), time.Now().Add(time.Hour)); err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if _, err := s.Get(ctx, c2); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("read of a removed block: %v, want not found", err)
	}

	// The budget: blocks larger than maxHeldBlock are not kept, and
	// the kept bytes never pass maxHeld.
	m := newVerifiedMemo()
	m.remember("big", fileID{ino: 1}, make([]byte, maxHeldBlock+1))
	if _, _, ok := m.heldBytes("big"); ok || !m.verified("big", fileID{ino: 1}) {
		t.Fatal("a large block: want verified, not kept")
	}
	for i := range 2 * maxHeld / maxHeldBlock {
		m.remember(string(rune('a'+i%26))+strings.Repeat("x", i), fileID{ino: uint64(i)}, make([]byte, maxHeldBlock))
		if m.size > maxHeld {
			t.Fatalf("%d bytes kept, over %d", m.size, maxHeld)
		}
	}
	n := 0
	for _, b := range m.held {
		n += len(b)
	}
	if n != m.size || n == 0 {
		t.Fatalf("size %d, held %d", m.size, n)
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
