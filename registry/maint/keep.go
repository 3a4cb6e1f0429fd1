package maint

import (
	"context"
	"log/slog"
	"time"
)

// DefaultKeepEvery is how often KeepStorage measures the block store
// (and once at start).
const DefaultKeepEvery = time.Minute

// KeepOptions configures KeepStorage.
type KeepOptions struct {
	// GC is what each gc does (svcreg serve: svcreg gc's defaults).
	GC GCOptions
	// Max is how many bytes the block store may hold before a gc runs.
	Max int64
	// Every is how often the store is measured (0: DefaultKeepEvery).
	Every  time.Duration
	Logger *slog.Logger // nil: discard
}

// KeepStorage runs gc whenever the block store holds more than o.Max
// bytes, until ctx ends (svcreg serve --storage-max). When what the heads
// reach alone (and what is younger than the grace) is more than o.Max, gc
// runs again only once the store has grown by a tenth of o.Max since.
// Failures are logged and tried again at the next measure.
func KeepStorage(ctx context.Context, o KeepOptions) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	every := o.Every
	if every <= 0 {
		every = DefaultKeepEvery
	}
	var over int64 // what the store held after a gc that left it above max
	for {
		used, err := StorageUsed(ctx, o.GC.Blocks)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("storage: measure the block store", "err", err)
		case used > o.Max && used >= over+o.Max/10:
			over = keepGC(ctx, o, used, log)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// keepGC runs one gc for KeepStorage and returns what the store holds
// after it when that is still above o.Max, else 0.
func keepGC(ctx context.Context, o KeepOptions, used int64, log *slog.Logger) int64 {
	out, err := GC(ctx, o.GC)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn("storage: gc failed", "used", used, "storage_max", o.Max, "err", err)
		}
		return 0
	}
	left := used - out.Bytes
	log.Info("storage: gc", "used", used, "storage_max", o.Max, "removed_blocks", out.Blocks, "removed_bytes", out.Bytes, "young_blocks", out.YoungBlocks)
	if left > o.Max {
		log.Warn("storage: what the heads reach (and what is younger than the gc grace) takes more than --storage-max", "used", left, "storage_max", o.Max)
		return left
	}
	return 0
}
