package gateway_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/svcreg/svcreg/registry/gateway"
)

// dialerFrom dials from ip, a loopback address other than 127.0.0.1, so
// that one test can be several clients.
func dialerFrom(ip string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
}

// putFrom PUTs body to base+path from ip and returns the status.
func putFrom(t *testing.T, ip, target string, body []byte) response {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: dialerFrom(ip).DialContext}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest("PUT", target, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", recordType)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return response{code: resp.StatusCode, header: resp.Header}
}

// stallPut sends from ip a PUT that declares a body of 1,000 bytes and
// sends one byte every 100 ms (the body would take 100 s), for at most
// hang; it returns the status the server answered with (0: none, the
// server held the upload past hang).
func stallPut(ip, base string) int {
	u, _ := url.Parse(base)
	conn, err := dialerFrom(ip).Dial("tcp", u.Host)
	if err != nil {
		return -1
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(hang))
	fmt.Fprintf(conn, "PUT /routing/v1/ipns/%s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n",
		"k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8", u.Host, recordType)
	done := make(chan struct{})
	defer close(done)
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte{'x'}); err != nil {
					return
				}
			}
		}
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestStalledUploadsOneAddress: one address opens as many record uploads
// as the server reads at once and sends each one byte at a time. It gets
// a few of the slots, not all, and each is cut off by the default body
// timeout (408) or refused (503); another address's record is stored
// while they are held.
func TestStalledUploadsOneAddress(t *testing.T) {
	h := newHome(t, 66)
	h.init(t, h.key)
	content := h.importFiles(t, map[string]string{"index.html": "x"})
	srv := h.serve(t, func(c *cfgT) { c.RecordsDir = filepath.Join(h.dir, "records") })
	const attacker, other = "127.0.0.2", "127.0.0.3"
	results := make(chan int, gateway.DefaultMaxBodies)
	for range gateway.DefaultMaxBodies {
		go func() { results <- stallPut(attacker, srv.URL) }()
	}
	// Wait until the attacker holds every slot it can get: its next
	// upload is refused at once.
	target := srv.URL + "/routing/v1/ipns/" + seedKeyName(t, 67)
	for deadline := time.Now().Add(hang); ; {
		if putFrom(t, attacker, target, []byte("junk")).code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hung: the stalled uploads never took their slots in %s", hang)
		}
	}
	name, rec := mustRecord(t, seedKey(t, 68).PrivKey(), "/ipfs/"+content.String(), 1)
	if r := putFrom(t, other, srv.URL+"/routing/v1/ipns/"+name, rec); r.code != 200 {
		t.Errorf("another address's record while the stalled uploads are held: %d, want 200", r.code)
	}
	counts := map[int]int{}
	for range gateway.DefaultMaxBodies {
		code := <-results
		counts[code]++
		if code != http.StatusRequestTimeout && code != http.StatusServiceUnavailable {
			t.Errorf("stalled upload: status %d; want 408 (the body timeout) or 503 (0: held past %s)", code, hang)
		}
	}
	if counts[http.StatusRequestTimeout] > gateway.DefaultMaxClientBodies {
		t.Errorf("answers %v: more than %d uploads of one address were read at once", counts, gateway.DefaultMaxClientBodies)
	}
}

// TestPutRate: PUTs are rationed per client address (a token bucket on
// the server's clock); a client over its share gets 429 with
// Retry-After, another address does not, and the share refills.
func TestPutRate(t *testing.T) {
	h := newHome(t, 69)
	h.init(t, h.key)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	srv := h.serve(t, func(c *cfgT) {
		c.PutRate, c.PutBurst = 1, 3
		c.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	})
	target := srv.URL + "/routing/v1/ipns/" + h.key.Name()
	for i := range 3 {
		if r := putFrom(t, "127.0.0.2", target, []byte("junk")); r.code != http.StatusBadRequest {
			t.Fatalf("PUT %d within the burst: %d, want 400 (a bad record)", i, r.code)
		}
	}
	r := putFrom(t, "127.0.0.2", target, []byte("junk"))
	if r.code != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Errorf("PUT past the burst: %d, Retry-After %q; want 429, 1", r.code, r.header.Get("Retry-After"))
	}
	if r := putFrom(t, "127.0.0.3", target, []byte("junk")); r.code != http.StatusBadRequest {
		t.Errorf("another address: %d, want 400", r.code)
	}
	clock.Add(int64(time.Second))
	if r := putFrom(t, "127.0.0.2", target, []byte("junk")); r.code != http.StatusBadRequest {
		t.Errorf("a second later: %d, want 400", r.code)
	}
	if r := putFrom(t, "127.0.0.2", target, []byte("junk")); r.code != http.StatusTooManyRequests {
		t.Errorf("then again: %d, want 429", r.code)
	}
}
