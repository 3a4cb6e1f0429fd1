package gateway

import (
	"context"
	"runtime"
	"sync"

	"github.com/ipfs/boxo/blockservice"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// maxFetchWorkers bounds the blocks one GetBlocks call reads at once.
const maxFetchWorkers = 8

// parallelBlocks is a block service whose batch reads (the DAG reader asks
// for the next children of a file in batches) read and verify several
// blocks at once. Verifying a block means hashing it, which costs more
// than reading it from the page cache; done one after the other it would
// bound a large file's download to one core's hashing speed.
type parallelBlocks struct {
	blockservice.BlockService
	workers int
}

func newParallelBlocks(bs blockservice.BlockService) parallelBlocks {
	return parallelBlocks{BlockService: bs, workers: min(runtime.GOMAXPROCS(0), maxFetchWorkers)}
}

// GetBlocks implements blockservice.BlockGetter: blocks arrive in no
// particular order, and the channel closes early, after the blocks read
// so far, when one cannot be read.
func (p parallelBlocks) GetBlocks(ctx context.Context, ks []cid.Cid) <-chan blocks.Block {
	if p.workers < 2 || len(ks) < 2 {
		return p.BlockService.GetBlocks(ctx, ks)
	}
	out := make(chan blocks.Block)
	go func() {
		defer close(out)
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		todo := make(chan cid.Cid)
		var wg sync.WaitGroup
		for range min(p.workers, len(ks)) {
			wg.Go(func() {
				for c := range todo {
					b, err := p.GetBlock(ctx, c)
					if err != nil {
						cancel() // as the serial version does: stop at the first failure
						continue
					}
					select {
					case out <- b:
					case <-ctx.Done():
					}
				}
			})
		}
	feed:
		for _, c := range ks {
			select {
			case todo <- c:
			case <-ctx.Done():
				break feed
			}
		}
		close(todo)
		wg.Wait()
	}()
	return out
}
