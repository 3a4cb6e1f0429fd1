package peer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

func TestParseProvide(t *testing.T) {
	for s, want := range map[string]Provide{"": ProvideRoots, "roots": ProvideRoots, "all": ProvideAll} {
		if got, err := ParseProvide(s); err != nil || got != want {
			t.Errorf("ParseProvide(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseProvide("some"); !errors.Is(err, ErrBadProvide) {
		t.Errorf("ParseProvide(some): %v, want ErrBadProvide", err)
	}
	if ProvideAll.String() != "all" || ProvideRoots.String() != "roots" {
		t.Error("Provide.String")
	}
}

// TestProvideQueue: the queue holds each CID once and at most its cap;
// a push into a full queue drops the oldest listed entry, then the
// oldest root, and counts it; a fill stops when full; roots go first.
func TestProvideQueue(t *testing.T) {
	_, c := newStore(t, "a", "b", "c", "d", "e", "f")
	q := newProvideQueue(3)
	if !q.fill(c[0], c[1]) {
		t.Fatal("fill of 2 into 3 did not fit")
	}
	q.push(c[2], c[2], c[0]) // a duplicate and one already queued
	if n, d := q.counts(); n != 3 || d != 0 {
		t.Fatalf("queued %d, dropped %d; want 3, 0", n, d)
	}
	if q.fill(c[3]) {
		t.Error("fill into a full queue reported it fit")
	}
	q.push(c[3], c[4], c[5]) // drops a and b (listed), then c (the oldest root)
	if n, d := q.counts(); n != 3 || d != 3 {
		t.Fatalf("queued %d, dropped %d; want 3, 3", n, d)
	}
	var got []cid.Cid
	for {
		x, ok := q.tryPop()
		if !ok {
			break
		}
		got = append(got, x)
	}
	if !slices.Equal(got, c[3:]) {
		t.Errorf("popped %v, want %v", got, c[3:])
	}
	q.fill(c[0])
	q.push(c[1])
	if x, _ := q.tryPop(); !x.Equals(c[1]) {
		t.Errorf("popped %s first, want the root %s", x, c[1])
	}
}

// fakeDHT records what is put and provided, at the bubble's time, and
// fails the provides of the CIDs in fail once each.
type fakeDHT struct {
	mu       sync.Mutex
	puts     []time.Time
	provides map[cid.Cid][]time.Time
	fail     map[cid.Cid]bool
}

func (f *fakeDHT) PutValue(context.Context, string, []byte, ...routing.Option) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts = append(f.puts, time.Now())
	return nil
}

func (f *fakeDHT) Provide(_ context.Context, c cid.Cid, _ bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c = cid.NewCidV0(c.Hash()) // the test's CIDs are v0, the listed ones raw
	if f.fail[c] {
		delete(f.fail, c)
		return errors.New("no peer in the routing table")
	}
	f.provides[c] = append(f.provides[c], time.Now())
	return nil
}

// counts returns how many puts there were and how many times each CID
// was provided, in the order of cs.
func (f *fakeDHT) counts(cs []cid.Cid) (int, []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := make([]int, len(cs))
	for i, c := range cs {
		n[i] = len(f.provides[c])
	}
	return len(f.puts), n
}

// TestReprovide: on a fake clock (testing/synctest), a peer with
// --provide all provides its head's roots and every other block once,
// retries a failed provide within a second, puts the record again every
// 4 h, and provides everything again 22 h after it did, not before.
func TestReprovide(t *testing.T) {
	regKey, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	store, cids := newStore(t, "manifest", "index", "release", "file 1", "file 2")
	roots := cids[:3]
	synctest.Test(t, func(t *testing.T) {
		var hs heads
		hs.set(t, regKey, cids[0], 1)
		f := &fakeDHT{provides: map[cid.Cid][]time.Time{}, fail: map[cid.Cid]bool{cids[1]: true}}
		p := &Peer{cfg: withDefaults(Config{Blocks: store, Heads: hs.get, Provide: ProvideAll,
			Roots: func(context.Context, registry.Head) ([]cid.Cid, error) { return roots, nil }}),
			rt: f, ready: make(chan struct{})}
		p.prov = newProvider(p.cfg.ProvideQueue, p.provideOne)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.announceLoop(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		check := func(when string, wantPuts, wantEach int) {
			t.Helper()
			synctest.Wait()
			puts, n := f.counts(cids)
			if puts != wantPuts || slices.ContainsFunc(n, func(k int) bool { return k != wantEach }) {
				t.Errorf("%s: %d puts, provides %v; want %d puts, each CID %d times", when, puts, n, wantPuts, wantEach)
			}
		}
		time.Sleep(time.Second)
		check("after 1 s", 1, 1)
		if s := p.prov.pending(); s != 0 || p.prov.done.Load() != 5 || p.prov.failures.Load() != 1 {
			t.Errorf("pending %d, done %d, failed %d; want 0, 5, 1", s, p.prov.done.Load(), p.prov.failures.Load())
		}
		time.Sleep(DefaultReprovide - 2*time.Minute)
		check("before 22 h", 1+int((DefaultReprovide-time.Minute)/DefaultReput), 1)
		time.Sleep(DefaultProvideAllEvery + 2*time.Minute)
		check("after 22 h", 1+int(DefaultReprovide/DefaultReput), 2)
		f.mu.Lock()
		for c, ts := range f.provides {
			if d := ts[1].Sub(ts[0]); d < DefaultReprovide || d > DefaultReprovide+DefaultProvideAllEvery {
				t.Errorf("%s provided again after %s", c, d)
			}
		}
		f.mu.Unlock()
	})
}

// TestProvideQueueBounded: a listing of more blocks than the queue
// holds queues only what fits, a root still goes in (dropping the oldest
// listed block), and what was left out is provided at later listings.
func TestProvideQueueBounded(t *testing.T) {
	var data []string
	for i := range 40 {
		data = append(data, fmt.Sprint("block ", i))
	}
	store, cids := newStore(t, data...)
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{})
		var mu sync.Mutex
		provided := map[cid.Cid]int{}
		p := &Peer{cfg: withDefaults(Config{Blocks: store, Provide: ProvideAll, ProvideQueue: 10}), ready: make(chan struct{})}
		p.prov = newProvider(p.cfg.ProvideQueue, func(ctx context.Context, c cid.Cid) error {
			select {
			case <-gate:
			case <-ctx.Done():
				return ctx.Err()
			}
			mu.Lock()
			provided[cid.NewCidV0(c.Hash())]++
			mu.Unlock()
			return nil
		})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.announceLoop(ctx); close(done) }()
		defer func() { cancel(); <-done }()

		synctest.Wait() // the first listing filled the queue; 8 provides wait at the gate
		if n, _ := p.prov.q.counts(); n != 10-DefaultProvideWorkers || p.prov.pending() != 10 {
			t.Fatalf("%d queued, %d pending; want the first 10 listed, %d of them in flight", n, p.prov.pending(), DefaultProvideWorkers)
		}
		fresh := p.prov.due(cids, time.Now())[:9]
		p.prov.schedule(fresh, time.Now())
		if n, d := p.prov.q.counts(); n != 10 || d != 1 {
			t.Errorf("after 9 roots: %d queued, %d dropped; want 10, 1", n, d)
		}
		close(gate)
		for range 5 {
			time.Sleep(DefaultProvideAllEvery)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range cids {
			if provided[c] != 1 {
				t.Errorf("%s provided %d times, want 1", c, provided[c])
			}
		}
	})
}
