package gateway_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
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
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, u.Host)
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
