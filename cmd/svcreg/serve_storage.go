package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/svcreg/svcreg/registry/maint"
)

// storageCheck is how often svcreg serve compares what the block store
// holds with --storage-max (and once at start).
const storageCheck = time.Minute

// keepStorage runs gc, as 'svcreg gc' does with its defaults, whenever
// the block store holds more than max bytes, until ctx ends. When what
// the heads reach alone is more than max, gc runs again only once the
// store has grown by a tenth of max since.
func keepStorage(ctx context.Context, h *home, max int64, log *slog.Logger) {
	var over int64 // what the store held after a gc that left it above max
	for {
		used, err := maint.StorageUsed(ctx, h.blocks)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("storage: measure the block store", "err", err)
		case used > max && used >= over+max/10:
			over = storageGC(ctx, h, used, max, log)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(storageCheck):
		}
	}
}

// storageGC runs one gc of the home for keepStorage and returns what the
// store holds after it when that is still above max, else 0.
func storageGC(ctx context.Context, h *home, used, max int64, log *slog.Logger) int64 {
	out, err := maint.GC(ctx, maint.GCOptions{Blocks: h.blocks, IndexPath: h.h.IndexPath(), Grace: maint.DefaultGrace})
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("storage: gc failed", "used", used, "storage_max", max, "err", err)
		}
		return 0
	}
	left := used - out.Bytes
	log.Info("storage: gc", "used", used, "storage_max", max, "removed_blocks", out.Blocks, "removed_bytes", out.Bytes, "young_blocks", out.YoungBlocks)
	if left > max {
		log.Warn("storage: what the heads reach (and what is younger than the gc grace) takes more than --storage-max", "used", left, "storage_max", max)
		return left
	}
	return 0
}
