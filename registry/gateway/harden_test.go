package gateway_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/gateway"
)

// TestSvcDotSegments asks for another release's files through dot
// segments in a /svc/ path: refused before the path is rewritten, however
// the dots are spelled.
func TestSvcDotSegments(t *testing.T) {
	h := newHome(t, 60)
	h.init(t, h.key)
	h.publish(t, h.key, "tts@1.0.0", map[string]string{"index.html": "tts"})
	other := h.importFiles(t, map[string]string{"index.html": "secret"})
	srv := h.serve(t, nil)
	for _, p := range []string{
		"/svc/tts@1/../../ipfs/" + other.String() + "/index.html",
		"/svc/tts@1/%2e%2e/%2e%2e/ipfs/" + other.String() + "/index.html",
		"/svc/tts@1/%2E%2E/%2E%2E/ipfs/" + other.String() + "/index.html",
		"/svc/tts@1/.%2e/.%2E/ipfs/" + other.String() + "/",
		"/svc/tts@1/a/%2e/index.html",
		"/svc/tts@1/./index.html",
		"/svc/tts@1/..",
		"/svc/tts@1/%2e%2e",
		"/svc/tts@1/a%2f..%2f..%2fipfs/" + other.String() + "/",
	} {
		t.Run(p, func(t *testing.T) {
			r := rawGet(t, srv.URL, p)
			if r.code != 400 || strings.Contains(string(r.body), "secret") {
				t.Fatalf("status %d, want 400: %.200s", r.code, r.body)
			}
		})
	}
	// Dots inside a name are fine.
	if r := rawGet(t, srv.URL, "/svc/tts@1/index.html"); r.code != 200 {
		t.Fatalf("plain path: %d", r.code)
	}
}

// rawGet sends "GET path" exactly as given, over a new connection, so
// that no client cleans the path first.
func rawGet(t *testing.T, base, path string) response {
	t.Helper()
	return rawGetHost(t, base, "", path)
}

// rawGetHost is rawGet with a Host header (empty: the server's).
func rawGetHost(t *testing.T, base, host, path string) response {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if host == "" {
		host = u.Host
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{code: resp.StatusCode, header: resp.Header, body: b}
}

// slowPut sends a PUT whose body arrives one byte every tick, for at most
// limit, and returns the status the server answered with (0: none, the
// connection stayed open) and when.
func slowPut(base string, tick, limit time.Duration) (int, time.Duration) {
	u, _ := url.Parse(base)
	start := time.Now()
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		return -1, 0
	}
	defer conn.Close()
	conn.SetDeadline(start.Add(limit))
	fmt.Fprintf(conn, "PUT /routing/v1/ipns/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8 HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/vnd.ipfs.ipns-record\r\nContent-Length: 4096\r\n\r\n", u.Host)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if _, err := conn.Write([]byte{'x'}); err != nil {
					return
				}
			}
		}
	}()
	defer close(done)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, time.Since(start)
	}
	resp.Body.Close()
	return resp.StatusCode, time.Since(start)
}

// TestSlowBodies holds many PUTs that send their bodies one byte at a
// time while normal requests go on: the slow ones are cut off after the
// body timeout (or refused at once beyond the limit of bodies read at
// once), and every GET is answered meanwhile.
func TestSlowBodies(t *testing.T) {
	h := newHome(t, 61)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "hello"})
	const timeout = time.Second
	const clients = 60 // all from one address: its own cap lifted, the overall one is tested
	srv := h.serve(t, func(c *cfgT) { c.MaxBodies, c.MaxClientBodies, c.BodyTimeout = 8, clients, timeout })

	type result struct {
		code int
		took time.Duration
	}
	results := make(chan result, clients)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			code, took := slowPut(srv.URL, 100*time.Millisecond, 4*timeout)
			results <- result{code, took}
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	// Normal requests, one every 50 ms while the slow ones are connected:
	// until every slow one has its answer.
	var slowest time.Duration
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
gets:
	for {
		select {
		case <-done:
			break gets
		case <-tick.C:
		}
		start := time.Now()
		r := get(t, "GET", srv.URL+"/ipfs/"+content.String()+"/index.html", nil)
		if r.code != 200 || string(r.body) != "hello" {
			t.Fatalf("GET during slow PUTs: %d %q", r.code, r.body)
		}
		slowest = max(slowest, time.Since(start))
	}
	// Held back by the slow clients, a GET would wait for a body timeout at
	// least; a loaded machine may still make one slow, so that is the bound.
	if slowest >= timeout {
		t.Errorf("slowest GET during slow PUTs took %s", slowest)
	}
	counts := map[int]int{}
	for range clients {
		r := <-results
		counts[r.code]++
		if r.code <= 0 || r.took > timeout+timeout/2 {
			t.Errorf("slow PUT: status %d after %s; want an answer within the body timeout", r.code, r.took)
		}
	}
	if counts[http.StatusRequestTimeout] == 0 || counts[http.StatusServiceUnavailable] == 0 {
		t.Errorf("answers %v: want both 408 (timed out) and 503 (over the limit)", counts)
	}
	t.Logf("slow PUT answers: %v; slowest GET %s", counts, slowest)
	// A normal PUT is answered again afterwards.
	if r := get(t, "PUT", srv.URL+"/routing/v1/ipns/"+h.key.Name(), []byte("junk"), "Content-Type", recordType); r.code != http.StatusBadRequest {
		t.Errorf("PUT after the slow ones: %d %s", r.code, r.body)
	}
	big := make([]byte, gateway.DefaultMaxBodySize+1)
	if r := get(t, "PUT", srv.URL+"/routing/v1/ipns/"+h.key.Name(), big, "Content-Type", recordType); r.code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized PUT: %d %s", r.code, r.body)
	}
}

// TestPutDecidedBeforeWriting holds a reader's (shared) lock on the
// index, which a writer would wait for (an hour here): refusals that need
// no write are answered while the lock is still held.
func TestPutDecidedBeforeWriting(t *testing.T) {
	h := newHome(t, 62)
	h.init(t, h.key)
	followed := seedKey(t, 63)
	first := h.init(t, followed)
	second := h.detachedState(t, followed, h.publication(t, "tts@1.0.0", map[string]string{"index.html": "tts"}), true)
	stranger := h.detachedInit(t, seedKey(t, 64))
	noBlocks := h.detachedState(t, followed, h.publication(t, "tts@1.0.1", map[string]string{"index.html": "x"}), false)
	// A PUT that waited for the write lock would wait an hour.
	srv := h.serve(t, func(c *cfgT) { c.WriteWait = time.Hour })
	if r := get(t, "PUT", srv.URL+"/routing/v1/ipns/"+followed.Name(), second.Record, "Content-Type", recordType); r.code != 200 {
		t.Fatalf("newer record: %d %s", r.code, r.body)
	}

	reader, err := bolt.Open(h.index, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	for _, tt := range []struct {
		desc, name string
		record     []byte
		code       int
	}{
		{"not followed", stranger.Name, stranger.Record, http.StatusForbidden},
		{"rollback", followed.Name(), first.Record, http.StatusConflict},
		{"blocks missing", followed.Name(), noBlocks.Record, http.StatusUnprocessableEntity},
		{"the head again", followed.Name(), second.Record, http.StatusOK},
	} {
		t.Run(tt.desc, func(t *testing.T) {
			endsWithin(t, "a PUT while a reader holds the index (it waited for the write lock)", func() error {
				r, err := fetch("PUT", srv.URL+"/routing/v1/ipns/"+tt.name, tt.record, "Content-Type", recordType)
				if err == nil && r.code != tt.code {
					err = fmt.Errorf("status %d, want %d: %s", r.code, tt.code, r.body)
				}
				return err
			})
		})
	}
}
