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

// slowPut sends a PUT whose body arrives one byte every tick (the body
// would take 4,096 ticks) until stop is closed or hang has passed, and
// returns the status the server answered with (0: none, the connection
// stayed open).
func slowPut(base string, tick time.Duration, stop <-chan struct{}) int {
	u, _ := url.Parse(base)
	conn, err := net.DialTimeout("tcp", u.Host, hang)
	if err != nil {
		return -1
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(hang))
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
			case <-stop:
				conn.SetDeadline(time.Now()) // the reader below gives up
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
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSlowBodiesHeld holds many PUTs that send their bodies one byte at
// a time, with a body timeout of an hour: those beyond the limit of
// bodies read at once are refused (503), and GETs are answered while the
// others are held, not after.
func TestSlowBodiesHeld(t *testing.T) {
	h := newHome(t, 61)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "hello"})
	const bodies, clients = 8, 60 // all from one address: its own cap lifted, the overall one is tested
	srv := h.serve(t, func(c *cfgT) { c.MaxBodies, c.MaxClientBodies, c.BodyTimeout = bodies, clients, time.Hour })
	stop := make(chan struct{})
	release := sync.OnceFunc(func() { close(stop) })
	t.Cleanup(release) // before the server closes, should the test fail
	results := make(chan int, clients)
	for range clients {
		go func() { results <- slowPut(srv.URL, 100*time.Millisecond, stop) }()
	}
	for range clients - bodies {
		if code := <-results; code != http.StatusServiceUnavailable {
			t.Fatalf("slow PUT beyond the limit: %d, want 503 at once (0: held past %s)", code, hang)
		}
	}
	// bodies PUTs are held now, and nothing but stop ends them.
	for i := range 20 {
		if r := get(t, "GET", srv.URL+"/ipfs/"+content.String()+"/index.html", nil); r.code != 200 || string(r.body) != "hello" {
			t.Fatalf("GET %d while slow PUTs are held: %d %q", i, r.code, r.body)
		}
	}
	select {
	case code := <-results:
		t.Errorf("a held PUT was answered %d before it was let go", code)
	default:
	}
	release()
	for range bodies {
		<-results
	}
}

// TestSlowBodies holds many PUTs that send their bodies one byte at a
// time: the slow ones are cut off by the body timeout (408) or refused
// at once beyond the limit of bodies read at once (503), and the server
// answers a normal PUT afterwards.
func TestSlowBodies(t *testing.T) {
	h := newHome(t, 61)
	h.init(t, h.key)
	const clients = 60 // all from one address: its own cap lifted, the overall one is tested
	srv := h.serve(t, func(c *cfgT) { c.MaxBodies, c.MaxClientBodies, c.BodyTimeout = 8, clients, time.Second })
	results := make(chan int, clients)
	for range clients {
		go func() { results <- slowPut(srv.URL, 100*time.Millisecond, nil) }()
	}
	counts := map[int]int{}
	for range clients {
		code := <-results
		counts[code]++
		if code != http.StatusRequestTimeout && code != http.StatusServiceUnavailable {
			t.Errorf("slow PUT: status %d; want 408 (the body timeout) or 503 (0: held past %s)", code, hang)
		}
	}
	if counts[http.StatusRequestTimeout] == 0 || counts[http.StatusServiceUnavailable] == 0 {
		t.Errorf("answers %v: want both 408 (timed out) and 503 (over the limit)", counts)
	}
	t.Logf("slow PUT answers: %v", counts)
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
