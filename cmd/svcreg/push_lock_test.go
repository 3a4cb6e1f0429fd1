package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestPushHoldsNoLock: while a kubo node takes its time importing, the
// home's index is not locked: a resolve on the same home answers at once.
func TestPushHoldsNoLock(t *testing.T) {
	pub, _ := publisher(t)
	want := must(t, pub, "resolve", "tts")
	importing := make(chan struct{})
	release := make(chan struct{}) // the import takes until the resolve is done
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/dag/import") {
			close(importing)
			io.Copy(io.Discard, r.Body)
			<-release
		}
		http.Error(w, `{"Message": "not here", "Code": 0, "Type": "error"}`, http.StatusInternalServerError)
	}))
	defer slow.Close()
	free := sync.OnceFunc(func() { close(release) })
	defer free() // before slow.Close, which waits for the handler
	done := make(chan result, 1)
	go func() { done <- svcreg(t, pub, "push", "--kubo", slow.URL) }()
	select {
	case <-importing:
	case <-time.After(10 * time.Second):
		t.Fatal("push never reached dag/import")
	}
	start := time.Now()
	if got := must(t, pub, "resolve", "tts"); got != want || time.Since(start) > time.Second {
		t.Fatalf("resolve during a push: %s after %s", got, time.Since(start))
	}
	free()
	if r := <-done; r.code == 0 {
		t.Fatalf("push to a failing node succeeded: %s", r.stdout)
	}
}
