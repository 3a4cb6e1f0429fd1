package registry_test

import (
	"context"
	"testing"
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
// record grace and the hedge delay, not the slow one's time-out.
func TestSlowSourceNeverHoldsBack(t *testing.T) {
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
		t.Fatalf("took %s", took)
	}
}

// TestRecordGrace: a higher sequence that arrives within the grace after
// the first valid record wins; one that arrives later is not waited for.
func TestRecordGrace(t *testing.T) {
	pub := newFixture(t, 0)
	pub.publish(t, "tts@1.0.0", "one")
	old := pub.serve(t, "old")
	pub.publish(t, "tts@1.0.1", "two")
	for _, tc := range []struct {
		delay time.Duration
		seq   uint64
	}{{100 * time.Millisecond, 3}, {3 * time.Second, 2}} {
		c := newClientSources(t, nil, old, slow{pub.serve(t, "new"), tc.delay})
		start := time.Now()
		r, err := c.fetcher.Refresh(t.Context())
		if err != nil || r.Head.Seq != tc.seq || time.Since(start) > 2*time.Second {
			t.Fatalf("newer record after %s: %+v, %v after %s", tc.delay, r, err, time.Since(start))
		}
	}
}
