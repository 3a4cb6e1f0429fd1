package gateway

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
)

func TestParallelGetBlocks(t *testing.T) {
	ctx := context.Background()
	bstore := blockstore.NewBlockstore(dssync.MutexWrap(ds.NewMapDatastore()))
	var ks []cid.Cid
	for i := range 50 {
		b := blocks.NewBlock(fmt.Appendf(nil, "block %d", i))
		if err := bstore.Put(ctx, b); err != nil {
			t.Fatal(err)
		}
		ks = append(ks, b.Cid())
	}
	missing := blocks.NewBlock([]byte("not stored")).Cid()
	p := parallelBlocks{BlockService: blockservice.New(bstore, nil), workers: 4}
	tests := []struct {
		desc    string
		ks      []cid.Cid
		min     int // blocks that must arrive
		max     int
		timeout bool // cancel the context first
	}{
		{"all present", ks, len(ks), len(ks), false},
		{"one", ks[:1], 1, 1, false},
		{"missing first: closes early", append([]cid.Cid{missing}, ks...), 0, len(ks), false},
		{"missing last", append(append([]cid.Cid{}, ks...), missing), 0, len(ks), false},
		{"canceled", ks, 0, len(ks), true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			if tt.timeout {
				cancel()
			}
			seen := map[cid.Cid]bool{}
			done := time.After(30 * time.Second) // a guard: a channel never closed
			ch := p.GetBlocks(ctx, tt.ks)
			for {
				select {
				case b, ok := <-ch:
					if !ok {
						if len(seen) < tt.min || len(seen) > tt.max {
							t.Fatalf("got %d blocks, want %d to %d", len(seen), tt.min, tt.max)
						}
						return
					}
					if seen[b.Cid()] || b.Cid().Equals(missing) {
						t.Fatalf("unexpected block %s", b.Cid())
					}
					seen[b.Cid()] = true
				case <-done:
					t.Fatal("hung: GetBlocks did not close its channel")
				}
			}
		})
	}
}
