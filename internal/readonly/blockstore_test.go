package readonly_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"

	"github.com/svcreg/svcreg/internal/readonly"
)

func TestReadOnlyBlockstore(t *testing.T) {
	ctx := context.Background()
	inner := blockstore.NewBlockstore(dssync.MutexWrap(ds.NewMapDatastore()))
	blk := blocks.NewBlock([]byte("kept"))
	if err := inner.Put(ctx, blk); err != nil {
		t.Fatal(err)
	}
	errRefused := errors.New("refused")
	ro := readonly.Blockstore{Blockstore: inner, Err: errRefused}
	writes := []struct {
		desc string
		do   func() error
	}{
		{"Put", func() error { return ro.Put(ctx, blocks.NewBlock([]byte("new"))) }},
		{"PutMany", func() error { return ro.PutMany(ctx, []blocks.Block{blocks.NewBlock([]byte("new"))}) }},
		{"DeleteBlock", func() error { return ro.DeleteBlock(ctx, blk.Cid()) }},
	}
	for _, w := range writes {
		if err := w.do(); !errors.Is(err, errRefused) {
			t.Errorf("%s: got %v, want errRefused", w.desc, err)
		}
	}
	if got, err := ro.Get(ctx, blk.Cid()); err != nil || string(got.RawData()) != "kept" {
		t.Fatalf("Get: %v %v", got, err)
	}
	if ok, _ := inner.Has(ctx, blocks.NewBlock([]byte("new")).Cid()); ok {
		t.Fatal("a write went through")
	}
}
