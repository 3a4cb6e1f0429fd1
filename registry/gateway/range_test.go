package gateway_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// countingStore counts the blocks and bytes the gateway reads.
type countingStore struct {
	*flatfs.Store
	mu     sync.Mutex
	blocks int
	bytes  int
}

func (s *countingStore) Blockstore() blockstore.Blockstore {
	return countingBlockstore{s.Store.Blockstore(), s}
}

func (s *countingStore) reset() (blocks, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	blocks, bytes = s.blocks, s.bytes
	s.blocks, s.bytes = 0, 0
	return blocks, bytes
}

type countingBlockstore struct {
	blockstore.Blockstore
	s *countingStore
}

func (b countingBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	blk, err := b.Blockstore.Get(ctx, c)
	if err == nil {
		b.s.mu.Lock()
		b.s.blocks++
		b.s.bytes += len(blk.RawData())
		b.s.mu.Unlock()
	}
	return blk, err
}

// TestRangeReadsWhatItServes: a range request for a few bytes of a large
// file reads (and, on a first read, hashes) the blocks on the path to
// them, the leaves that hold them and at most boxo's read-ahead (its DAG
// reader preloads the next ten children of a node; the reads stop when
// the request ends), never the rest of the file.
func TestRangeReadsWhatItServes(t *testing.T) {
	h := newHome(t, 92)
	dir := t.TempDir()
	data := make([]byte, 32<<20)             // 32 leaves of 1 MiB
	rand.NewChaCha8([32]byte{92}).Read(data) // no two leaves alike
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := unixfs.Import(context.Background(), h.store.Blockstore(), dir, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{Store: h.store}
	srv := h.serve(t, func(c *gateway.Config) { c.Blocks = cs })
	url := srv.URL + "/ipfs/" + res.Root.String() + "/big.bin"
	const preload = 10 // boxo's NavigableIPLDNode preloadSize
	for _, tt := range []struct{ from, to int }{
		{16<<20 + 100, 16<<20 + 200},
		{16<<20 - 10, 16<<20 + 10}, // across two leaves
		{len(data) - 1, len(data) - 1},
		{len(data) - 1<<20 - 10, len(data) - 1},
	} {
		cs.reset()
		r := get(t, "GET", url, nil, "Range", "bytes="+strconv.Itoa(tt.from)+"-"+strconv.Itoa(tt.to))
		if r.code != http.StatusPartialContent || !bytes.Equal(r.body, data[tt.from:tt.to+1]) {
			t.Fatalf("bytes %d-%d: %d, %d bytes", tt.from, tt.to, r.code, len(r.body))
		}
		n, size := cs.reset()
		leaves := size >> 20 // the directory and the file's root are < 1 MiB together
		need := tt.to>>20 - tt.from>>20 + 1
		t.Logf("bytes %d-%d: %d blocks, %d leaves read, %d needed", tt.from, tt.to, n, leaves, need)
		if leaves < need || leaves > need+preload-1 {
			t.Errorf("bytes %d-%d: read %d leaves; want %d, plus at most %d read ahead", tt.from, tt.to, leaves, need, preload-1)
		}
	}
}
