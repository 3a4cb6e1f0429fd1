package maint_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/svcreg/svcreg/registry/maint"
)

// KeepStorage runs gc at start when the store holds more than its
// maximum, and again at the next measure after more old blocks came;
// when what the head reaches alone is over the maximum it does not run gc
// on every measure. Time is synctest's: an hour of measures takes none.
func TestKeepStorage(t *testing.T) {
	h := mustHome(t, "hello")
	now := time.Now() // the blocks' clock, outside the bubble
	used, err := maint.StorageUsed(t.Context(), h.blocks)
	if err != nil {
		t.Fatal(err)
	}
	first := h.putOld(t, "unreachable and old, 1", 2*time.Hour)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var log bytes.Buffer
		gcs := func() int { return strings.Count(log.String(), `msg="storage: gc"`) }
		opt := maint.KeepOptions{
			Max:    used,
			GC:     maint.GCOptions{Blocks: h.blocks, IndexPath: h.index, Grace: maint.DefaultGrace, Now: func() time.Time { return now }},
			Logger: slog.New(slog.NewTextHandler(&log, nil)),
		}
		done := make(chan struct{})
		go func() { maint.KeepStorage(ctx, opt); close(done) }()
		synctest.Wait()
		if h.has(t, first) || gcs() != 1 {
			t.Fatalf("at start: old block stored %v after %d gc runs, want removed by one", h.has(t, first), gcs())
		}
		second := h.putOld(t, "unreachable and old, 2", 2*time.Hour)
		time.Sleep(maint.DefaultKeepEvery)
		synctest.Wait()
		if h.has(t, second) || gcs() != 2 {
			t.Fatalf("at the next measure: old block stored %v after %d gc runs, want removed by a second", h.has(t, second), gcs())
		}
		// The head alone over the maximum: gc runs once, not every minute.
		opt.Max = used / 2
		cancel()
		<-done
		ctx, cancel = context.WithCancel(t.Context())
		defer cancel()
		log.Reset()
		go maint.KeepStorage(ctx, opt)
		time.Sleep(time.Hour)
		synctest.Wait()
		if gcs() != 1 || !strings.Contains(log.String(), "takes more than --storage-max") {
			t.Fatalf("with the head over the maximum: %d gc runs in an hour, want 1 and a warning:\n%s", gcs(), log.String())
		}
	})
}
