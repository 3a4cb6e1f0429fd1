package flatfs

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/datastore/dshelp"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/multiformats/go-multihash"
	"github.com/svcreg/svcreg/registry"
)

// sum returns the CID of data with the given version and codec.
func sum(t *testing.T, version, codec uint64, data []byte) cid.Cid {
	t.Helper()
	c, err := cid.Prefix{Version: version, Codec: codec, MhType: multihash.SHA2_256, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func openTest(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// blockFile returns the path of c's file in kubo's layout under dir.
func blockFile(dir string, c cid.Cid) string {
	key := dshelp.MultihashToDsKey(c.Hash()).String()[1:]
	return filepath.Join(dir, key[len(key)-3:len(key)-1], key+".data")
}

func TestPutGetHas(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	big := bytes.Repeat([]byte("svcreg"), 200_000)
	tests := []struct {
		desc string
		c    cid.Cid
		data []byte
	}{
		{"raw cidv1", sum(t, 1, cid.Raw, []byte("hello")), []byte("hello")},
		{"dag-pb cidv0", sum(t, 0, cid.DagProtobuf, []byte("\x0a\x02\x08\x01")), []byte("\x0a\x02\x08\x01")},
		{"empty block", sum(t, 1, cid.Raw, nil), nil},
		{"1.2 MB block", sum(t, 1, cid.Raw, big), big},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if ok, err := s.Has(ctx, tt.c); err != nil || ok {
				t.Fatalf("Has before Put: %v, %v", ok, err)
			}
			if err := s.Put(ctx, tt.c, tt.data); err != nil {
				t.Fatal(err)
			}
			if err := s.Put(ctx, tt.c, tt.data); err != nil {
				t.Fatalf("second Put: %v", err)
			}
			if ok, err := s.Has(ctx, tt.c); err != nil || !ok {
				t.Fatalf("Has after Put: %v, %v", ok, err)
			}
			got, err := s.Get(ctx, tt.c)
			if err != nil || !bytes.Equal(got, tt.data) {
				t.Fatalf("Get: %d bytes, %v", len(got), err)
			}
			if _, err := os.Stat(blockFile(dir, tt.c)); err != nil {
				t.Errorf("block not in kubo's layout: %v", err)
			}
		})
	}
	shard, err := os.ReadFile(filepath.Join(dir, "SHARDING"))
	if err != nil || strings.TrimSpace(string(shard)) != "/repo/flatfs/shard/v1/next-to-last/2" {
		t.Errorf("SHARDING = %q, %v", shard, err)
	}
}

func TestCidVersionsShareBlock(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "blocks"))
	data := []byte("\x0a\x02\x08\x01")
	v0 := sum(t, 0, cid.DagProtobuf, data)
	v1 := cid.NewCidV1(cid.DagProtobuf, v0.Hash())
	raw := cid.NewCidV1(cid.Raw, v0.Hash())
	if err := s.Put(ctx, v0, data); err != nil {
		t.Fatal(err)
	}
	for _, c := range []cid.Cid{v0, v1, raw} {
		if ok, err := s.Has(ctx, c); err != nil || !ok {
			t.Errorf("Has(%s): %v, %v", c, ok, err)
		}
		if got, err := s.Get(ctx, c); err != nil || !bytes.Equal(got, data) {
			t.Errorf("Get(%s): %q, %v", c, got, err)
		}
	}
}

func TestMissing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "blocks"))
	c := sum(t, 1, cid.Raw, []byte("absent"))
	_, err := s.Get(ctx, c)
	if !errors.Is(err, registry.ErrBlockNotFound) || !ipld.IsNotFound(err) {
		t.Fatalf("Get: got %v, want ErrBlockNotFound and ipld.ErrNotFound", err)
	}
	if _, err := s.Blockstore().Get(ctx, c); !ipld.IsNotFound(err) {
		t.Fatalf("Blockstore().Get: got %v, want ipld.ErrNotFound", err)
	}
	if _, err := s.Get(ctx, cid.Undef); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("Get(cid.Undef): got %v, want ErrBlockNotFound", err)
	}
	if err := s.Put(ctx, cid.Undef, nil); err == nil {
		t.Fatal("Put(cid.Undef) succeeded")
	}
}

func TestCorruptBlock(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	data := []byte("a block that will rot on disk")
	c := sum(t, 1, cid.Raw, data)
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	path := blockFile(dir, c)
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	onDisk[3] ^= 0x01
	if err := os.WriteFile(path, onDisk, 0o644); err != nil {
		t.Fatal(err)
	}

	if err := s.Check(ctx, c.Hash()); !errors.Is(err, registry.ErrCorruptBlock) {
		t.Fatalf("Check: got %v, want ErrCorruptBlock", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("Check moved the block: %v", err)
	}
	_, err = s.Blockstore().Get(ctx, c)
	if !errors.Is(err, registry.ErrCorruptBlock) || !errors.Is(err, blockstore.ErrHashMismatch) {
		t.Fatalf("Blockstore().Get: got %v, want ErrCorruptBlock and ErrHashMismatch", err)
	}
	if !strings.Contains(err.Error(), c.String()) {
		t.Errorf("error %q does not name the block", err)
	}
	// The corrupt copy is quarantined: never read again, the block is
	// missing until an intact copy is put.
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("corrupt block still in place: %v", err)
	}
	if q, _ := os.ReadDir(filepath.Join(dir, quarantineDir)); len(q) != 1 {
		t.Fatalf("quarantine holds %d files, want 1", len(q))
	}
	if _, err := s.Get(ctx, c); !errors.Is(err, registry.ErrCorruptBlock) || !ipld.IsNotFound(err) {
		t.Fatalf("Get after quarantine: got %v, want ErrCorruptBlock and not found", err)
	}
	if has, err := s.Has(ctx, c); has || err != nil {
		t.Fatalf("Has after quarantine: %v, %v", has, err)
	}

	// Putting the right bytes again repairs the copy.
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, c); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get after repair: %q, %v", got, err)
	}
}

func TestBoxoBlockstore(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	s := openTest(t, dir)
	bs := s.Blockstore()
	var blks []blocks.Block
	for _, d := range []string{"one", "two", "three"} {
		blks = append(blks, blocks.NewBlock([]byte(d)))
	}
	if err := bs.PutMany(ctx, blks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blks {
		if got, err := s.Get(ctx, b.Cid()); err != nil || !bytes.Equal(got, b.RawData()) {
			t.Errorf("Get(%s): %q, %v", b.Cid(), got, err)
		}
		if n, err := bs.GetSize(ctx, b.Cid()); err != nil || n != len(b.RawData()) {
			t.Errorf("GetSize(%s): %d, %v", b.Cid(), n, err)
		}
	}
	ch, err := bs.AllKeysChan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range ch {
		n++
	}
	if n != len(blks) {
		t.Errorf("AllKeysChan: %d keys, want %d", n, len(blks))
	}
	if err := bs.DeleteBlock(ctx, blks[0].Cid()); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Has(ctx, blks[0].Cid()); err != nil || ok {
		t.Errorf("Has after DeleteBlock: %v, %v", ok, err)
	}
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blocks")
	data := []byte("persistent")
	c := sum(t, 1, cid.Raw, data)

	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTest(t, dir)
	if got, err := s.Get(ctx, c); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get after reopen: %q, %v", got, err)
	}
}

func TestOpenRefusesForeignDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(dir, nil); err == nil {
		s.Close()
		t.Fatal("Open of a non-empty non-flatfs directory succeeded")
	}
}

// TestOpenWritesNothing: opening and reading a store that does not exist
// creates nothing; the first write creates it with its SHARDING file.
func TestOpenWritesNothing(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "home", "blocks")
	data := []byte("lazy")
	c := sum(t, 1, cid.Raw, data)
	s := openTest(t, dir)
	if ok, err := s.Has(ctx, c); err != nil || ok {
		t.Fatalf("Has: %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, c); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("Get: %v, want ErrBlockNotFound", err)
	}
	if err := s.List(ctx, func(StoredBlock) error { return errors.New("a block listed") }); err != nil {
		t.Fatalf("List: %v", err)
	}
	if tmps, err := s.Temps(time.Now()); err != nil || len(tmps) != 0 {
		t.Fatalf("Temps: %v, %v", tmps, err)
	}
	if _, err := s.RestoreTrash(); err != nil {
		t.Fatalf("RestoreTrash: %v", err)
	}
	if _, ok, err := s.OldestLease(false); err != nil || ok {
		t.Fatalf("OldestLease: %v, %v", ok, err)
	}
	if _, err := os.Lstat(filepath.Dir(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("reading created %s: %v", filepath.Dir(dir), err)
	}
	if err := s.Put(ctx, c, data); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Dir(dir))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("parent after Put: %v, %v; want mode 0700", fi, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "SHARDING")); err != nil {
		t.Fatalf("SHARDING after Put: %v", err)
	}
}
