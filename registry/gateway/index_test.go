package gateway_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry/bolt"
)

// TestIndexNotLocked checks that the server does not hold the index
// between requests, even while it serves /ipns/ and /svc/ requests in a
// loop: a writer that tries only once gets the lock whenever it asks.
func TestIndexNotLocked(t *testing.T) {
	h := newHome(t, 30)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, func(c *cfgT) { c.MaxStale = time.Nanosecond }) // re-read on every request
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				get(t, "GET", srv.URL+"/svc/say/", nil)
				get(t, "GET", srv.URL+"/ipns/"+h.key.Name()+"/services/say/versions/1.0.0/content/", nil)
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()
	for i := range 20 {
		// Readers hold the lock for well under a millisecond; a writer
		// waiting 100 ms (bbolt polls every 50 ms) always gets in.
		c, err := bolt.Open(h.index, &bolt.Options{Timeout: 100 * time.Millisecond, NoSync: true})
		if err != nil {
			t.Fatalf("attempt %d: a writer could not open the index: %v", i, err)
		}
		c.Close()
	}
	// And with no request in flight the lock is free at the first attempt.
	close(stop)
	wg.Wait()
	stop = make(chan struct{})
	c, err := bolt.Open(h.index, &bolt.Options{Timeout: -1, NoSync: true})
	if err != nil {
		t.Fatalf("idle server holds the index: %v", err)
	}
	c.Close()
}

// TestWriterHoldsIndex: while another process holds the index for
// writing, heads already read are served from memory; a head never read
// gets 503 with Retry-After, and works once the writer is done.
func TestWriterHoldsIndex(t *testing.T) {
	h := newHome(t, 31)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	other := seedKey(t, 32)
	h.init(t, other)
	srv := h.serve(t, func(c *cfgT) { c.MaxStale = time.Nanosecond; c.ReadWait = 20 * time.Millisecond })
	own := srv.URL + "/ipns/" + h.key.Name() + "/services/say/versions/1.0.0/content/"
	if r := get(t, "GET", own, nil); r.code != 200 {
		t.Fatalf("before: %d", r.code)
	}

	writer, err := bolt.Open(h.index, &bolt.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	// The writer holds the lock until it closes below: a request that
	// waited for the index would get 503 after ReadWait, not 200.
	if r := get(t, "GET", own, nil); r.code != 200 {
		t.Errorf("known head while the index is locked: %d %s", r.code, r.body)
	}
	if r := get(t, "GET", srv.URL+"/svc/say/", nil); r.code != 200 {
		t.Errorf("/svc/ while the index is locked: %d %s", r.code, r.body)
	}
	r := get(t, "GET", srv.URL+"/ipns/"+other.Name()+"/", nil)
	if r.code != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Errorf("unknown head while the index is locked: %d Retry-After %q, want 503 with Retry-After", r.code, r.header.Get("Retry-After"))
	}
	writer.Close()
	if r := get(t, "GET", srv.URL+"/ipns/"+other.Name()+"/", nil); r.code != 200 {
		t.Errorf("after the writer closed: %d %s", r.code, r.body)
	}
}
