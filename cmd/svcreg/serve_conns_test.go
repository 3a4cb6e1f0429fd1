package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// startServeNoFile is startServe with the server's open-file limit set to
// nofile (soft and hard), through the shell's ulimit. It returns the base
// URL.
func startServeNoFile(t *testing.T, home string, nofile int, args ...string) string {
	t.Helper()
	cmd := svcregCmd(t, home, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Args = append([]string{"sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" "$@"`, nofile)}, cmd.Args...)
	cmd.Path = "/bin/sh"
	return runServeCmd(t, cmd, false)
}

// acceptQueue returns how many connections wait in the accept queue of
// the loopback listener on port (Linux: rx_queue of a LISTEN socket in
// /proc/net/tcp).
func acceptQueue(t *testing.T, port int) int {
	t.Helper()
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Skipf("no /proc/net/tcp: %v", err)
	}
	local := fmt.Sprintf(":%04X", port)
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 4 && strings.HasSuffix(f[1], local) && f[3] == "0A" {
			_, rx, _ := strings.Cut(f[4], ":")
			n, err := strconv.ParseInt(rx, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
	}
	t.Fatalf("no listener on port %d", port)
	return 0
}

// TestServeConnectionFlood opens more connections to svcreg serve than
// it has file descriptors, each sending a request and then staying open,
// as an idle keep-alive client does. With connections capped at half the
// open-file limit by default, the node still has descriptors for its
// files: a client connected before the flood is served a release (blocks
// and the index are opened for it).
func TestServeConnectionFlood(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("needs Linux's /proc/net/tcp")
	}
	home := initHome(t)
	svcregProc(t, home, "publish", "say@1.0.0", filepath.Join("..", "..", "examples", "say"))
	const nofile = 256
	base := startServeNoFile(t, home, nofile)
	_, portStr, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
	port, _ := strconv.Atoi(portStr)

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	page := func() (int, string) {
		resp, err := client.Get(base + "/svc/say@1/index.html")
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Before the flood: served (after a 503 "index busy", which the node's
	// own first round of work may cause while it holds the index, retried).
	var code int
	var body string
	waitFor(t, 10*time.Second, "the page before the flood", func() bool {
		code, body = page()
		return code != http.StatusServiceUnavailable
	})
	if code != 200 {
		t.Fatalf("before the flood: %d %.200s", code, body)
	}

	const flood = nofile + 64
	var answered atomic.Int64
	var wg sync.WaitGroup
	conns := make([]net.Conn, 0, flood)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		wg.Wait()
	}()
	host := strings.TrimPrefix(base, "http://")
	for range flood {
		c, err := net.DialTimeout("tcp", host, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "GET /ipfs/bafkqaaa HTTP/1.1\r\nHost: %s\r\n\r\n", host)
		wg.Go(func() {
			c.SetReadDeadline(time.Now().Add(20 * time.Second))
			if resp, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
				resp.Body.Close()
				answered.Add(1)
			}
		})
	}
	// Every flood connection is either answered (accepted, and kept open
	// by its client) or waits in the accept queue.
	waitFor(t, 10*time.Second, fmt.Sprintf("every one of %d flood connections answered or waiting", flood), func() bool {
		return int(answered.Load())+acceptQueue(t, port) == flood
	})
	if n := answered.Load(); n >= nofile/2 {
		t.Errorf("%d flood connections served at once; the default cap is %d (half the open-file limit, one held by the client)", n, nofile/2)
	}
	if code, body := page(); code != 200 || !strings.Contains(body, "say") {
		t.Errorf("during the flood, a connected client: %d %.200s; want the page", code, body)
	}
}
