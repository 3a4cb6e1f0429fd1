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
	start := time.Now()
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := r.Lookup(ctx, "silent.example.com"); err == nil || errors.Is(err, dnslink.ErrNotFound) {
				t.Errorf("lookup: %v, want a failure", err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took > 5*timeout {
		t.Errorf("%d concurrent lookups took %s with a timeout of %s", callers, took, timeout)
	}
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
	for deadline := time.Now().Add(5 * time.Second); srv.Queries() == asked; {
		if time.Now().After(deadline) {
			t.Fatal("after the failure's TTL, DNS was not asked again")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// A caller that gives up stops waiting.
	short, cancel := context.WithTimeout(ctx, timeout/10)
	defer cancel()
	start = time.Now()
	if _, err := r.Lookup(short, "other.example.com"); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > timeout {
		t.Errorf("a caller's own deadline: %v after %s", err, time.Since(start))
	}
}
