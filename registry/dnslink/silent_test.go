package dnslink_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/dnstest"
	"github.com/svcreg/svcreg/registry/dnslink"
)

// TestSilentDNS asks a DNS server that never answers: concurrent lookups
// of a domain share one question and give up after the timeout; the
// failure is kept, so later lookups fail at once without asking, until
// the failure's TTL is over.
func TestSilentDNS(t *testing.T) {
	srv := dnstest.StartSilent(t)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	const timeout = 300 * time.Millisecond
	r, err := dnslink.New(dnslink.Config{Server: srv.Addr, Timeout: timeout,
		Now: func() time.Time { return time.Unix(0, clock.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const callers = 20
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			// The server never answers: only the lookup's own timeout ends it.
			if _, err := r.Lookup(ctx, "silent.example.com"); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("lookup: %v, want the lookup's timeout", err)
			}
		})
	}
	waitOrHang(t, &wg, "concurrent lookups of a silent server")
	asked := srv.Queries()
	if asked == 0 || asked > 4 {
		t.Errorf("%d concurrent lookups asked %d questions, want one lookup's", callers, asked)
	}
	for range 10 {
		if _, err := r.Lookup(ctx, "silent.example.com"); err == nil {
			t.Fatal("a kept failure became an answer")
		}
	}
	if n := srv.Queries(); n != asked {
		t.Errorf("lookups within the failure's TTL asked %d more questions, want none", n-asked)
	}
	clock.Add(int64(dnslink.DefaultFailTTL + time.Second))
	r.Lookup(ctx, "silent.example.com")
	for deadline := time.Now().Add(hang); srv.Queries() == asked; {
		if time.Now().After(deadline) {
			t.Fatal("after the failure's TTL, DNS was not asked again")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSilentDNSCallerGivesUp: a caller whose ctx ends stops waiting for a
// lookup that is still in flight. The lookup's own timeout is an hour, so
// only the caller's cancel can end the wait.
func TestSilentDNSCallerGivesUp(t *testing.T) {
	srv := dnstest.StartSilent(t)
	r, err := dnslink.New(dnslink.Config{Server: srv.Addr, Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := r.Lookup(ctx, "other.example.com")
		errc <- err
	}()
	for deadline := time.Now().Add(hang); srv.Queries() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the lookup never asked DNS")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel() // the question is in flight and will never be answered
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("a caller's own cancel: %v, want context.Canceled", err)
		}
	case <-time.After(hang):
		t.Fatal("hung: a cancelled caller kept waiting for the lookup")
	}
}

// hang bounds a wait that only ends by a timeout or cancel under test;
// reaching it means the code waits forever, not that the machine is slow.
const hang = 30 * time.Second

// waitOrHang waits for wg, failing the test as a hang after hang.
func waitOrHang(t *testing.T, wg *sync.WaitGroup, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(hang):
		t.Fatalf("hung: %s did not end", what)
	}
}
