package registry_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ipfs/go-cid"
)

// slow is a source that answers like src, but only after delay (or
// never, when delay is 0); it stands for a gateway that trickles bytes.
type slow struct {
	*source
	delay time.Duration
}

func (s slow) wait(ctx context.Context) error {
	var after <-chan time.Time
	if s.delay > 0 {
		after = time.After(s.delay)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-after:
		return nil
	}
}

func (s slow) Record(ctx context.Context, name string) ([]byte, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.source.Record(ctx, name)
}

func (s slow) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	if err := s.wait(ctx); err != nil {
		return nil, err
	}
	return s.source.Block(ctx, c)
}

// TestSlowSourceNeverHoldsBack: with a source that never answers listed
// first, a refresh and every block come from the good one within the
// record grace and the hedge delay, not the slow one's time-out. It runs
// on testing/synctest's clock, so the time measured is the fetcher's own
// waiting, never the machine's speed.
func TestSlowSourceNeverHoldsBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pub := newFixture(t, 0)
		want := pub.publish(t, "tts@1.0.0", "one")
		c := newClientSources(t, nil, slow{pub.serve(t, "slow"), 0}, pub.serve(t, "good"))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		r, err := c.fetcher.Refresh(ctx)
		if err != nil || !r.Changed || len(r.Problems) != 1 {
			t.Fatalf("refresh: %+v, %v", r, err)
		}
		if got := c.resolve(t, "tts"); !got.Equals(want) {
			t.Fatalf("resolved %s", got)
		}
		// record grace + a hedge per block (manifest, index, service)
		if took := time.Since(start); took > 2*time.Second {
			t.Fatalf("waited %s on the bubble's clock", took)
		}
	})
}

// TestRecordGrace: a higher sequence that arrives within the grace after
// the first valid record wins; one that arrives later is not waited for.
// On testing/synctest's clock, as above.
func TestRecordGrace(t *testing.T) {
	for _, tc := range []struct {
		delay time.Duration
		seq   uint64
	}{{100 * time.Millisecond, 3}, {3 * time.Second, 2}} {
		synctest.Test(t, func(t *testing.T) {
			pub := newFixture(t, 0)
			pub.publish(t, "tts@1.0.0", "one")
			old := pub.serve(t, "old")
			pub.publish(t, "tts@1.0.1", "two")
			c := newClientSources(t, nil, old, slow{pub.serve(t, "new"), tc.delay})
			start := time.Now()
			r, err := c.fetcher.Refresh(t.Context())
			if err != nil || r.Head.Seq != tc.seq || time.Since(start) > 2*time.Second {
				t.Fatalf("newer record after %s: %+v, %v after %s on the bubble's clock", tc.delay, r, err, time.Since(start))
			}
		})
	}
}

// TestAdoptResigned: a record of the head's state that ends later (a
// re-signed one) replaces the stored record, from Adopt (import) and from
// Refresh; the head, history and floor stay.
func TestAdoptResigned(t *testing.T) {
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	src := pub.serve(t, "gw")
	c := newClientSources(t, nil, src)
	ctx := t.Context()
	r, err := c.fetcher.Refresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	head := r.Head
	resigned := []byte(fmt.Sprintf("%s %s %d %d", regName, head.Root, head.Seq, 2000000000))
	h, changed, err := c.fetcher.Adopt(ctx, resigned)
	if err != nil || !changed || h.Seq != head.Seq || !h.Root.Equals(head.Root) || string(h.Record) != string(resigned) {
		t.Fatalf("adopt a re-signed record: %+v, %v, %v", h, changed, err)
	}
	later := []byte(fmt.Sprintf("%s %s %d %d", regName, head.Root, head.Seq, 2100000000))
	src.record = later
	r, err = c.fetcher.Refresh(ctx)
	if err != nil || !r.Resigned || r.Changed || string(r.Head.Record) != string(later) {
		t.Fatalf("refresh with a re-signed record: %+v, %v", r, err)
	}
	if _, changed, err := c.fetcher.Adopt(ctx, resigned); err != nil || changed {
		t.Fatalf("adopt an earlier end of life: %v, %v", changed, err)
	}
	if floor, _ := c.cache.Floor(ctx, regName); floor != head.Seq {
		t.Fatalf("floor %d, want %d", floor, head.Seq)
	}
}
