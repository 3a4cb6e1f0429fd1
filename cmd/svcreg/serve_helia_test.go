package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// heliaDir returns a directory holding tools/helia with its npm
// dependencies installed (@helia/verified-fetch, pinned by
// package-lock.json), installing them into .cache/helia when the lock
// file changed. It needs node and npm (Debian's nodejs and npm).
func heliaDir(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "tools", "helia")
	dst, err := filepath.Abs(filepath.Join("..", "..", ".cache", "helia"))
	if err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	stamp := filepath.Join(dst, ".installed")
	if b, err := os.ReadFile(stamp); err != nil || string(b) != hex.EncodeToString(sum[:]) {
		for _, f := range []string{"package.json", "package-lock.json"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err == nil {
				err = os.MkdirAll(dst, 0o755)
			}
			if err == nil {
				err = os.WriteFile(filepath.Join(dst, f), b, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dst
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s (needs node and npm: apt-get install nodejs npm): %v\n%s", dst, err, out)
		}
		if err := os.WriteFile(stamp, []byte(hex.EncodeToString(sum[:])), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	script, err := os.ReadFile(filepath.Join(src, "fetch.mjs"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dst, "fetch.mjs"), script, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// verifiedFetch runs Helia's verified-fetch against the node at base and
// returns the bytes it verified, or an error with what it printed.
func verifiedFetch(t *testing.T, dir, base, target, timeoutMs string) ([]byte, string, error) {
	t.Helper()
	cmd := exec.Command("node", "fetch.mjs", base, target, timeoutMs)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.String(), err
}

// TestHeliaVerifiedFetch fetches a release and a path through the
// registry's IPNS name with the real verifying client, pointed at one
// svcreg node as its router and gateway, and compares the bytes; then,
// through a proxy that corrupts one block on the wire, the client itself
// must refuse the answer.
func TestHeliaVerifiedFetch(t *testing.T) {
	t.Parallel() // it mostly waits for npm and Node.js.
	dir := heliaDir(t)
	home := filepath.Join(t.TempDir(), "home")
	svcregProc(t, home, "init")
	site := filepath.Join("..", "..", "examples", "say")
	cid := strings.Fields(svcregProc(t, home, "publish", "say@1.0.0", site))[1]
	name := strings.Fields(svcregProc(t, home, "name"))[1]
	want, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}

	// The proxy forwards to the node and flips one byte of every raw
	// block it passes; the node announces the proxy as its address, so
	// the client fetches every block through it.
	var target atomic.Pointer[url.URL]
	var corrupted atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if corruptingProxy(w, r, target.Load()) {
			corrupted.Add(1)
		}
	}))
	defer proxy.Close()

	base := startServe(t, home, "--public-url", proxy.URL)
	u, _ := url.Parse(base)
	target.Store(u)

	// Providers point at the proxy; the node itself serves the blocks, so
	// a fetch that goes to the node through its own router and gateway
	// must be told where to go: use a second server without the proxy.
	plain := startServe(t, home)
	// Each client is a Node.js process that takes seconds to load its
	// modules: the three run at once.
	var wg sync.WaitGroup
	for _, tc := range []string{"ipfs://" + cid + "/index.html", "ipns://" + name + "/services/say/versions/1.0.0/content/index.html"} {
		wg.Go(func() {
			got, stderr, err := verifiedFetch(t, dir, plain, tc, "60000")
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("verified-fetch %s: %v, %d bytes (want %d)\n%s", tc, err, len(got), len(want), stderr)
			}
		})
	}
	wg.Go(func() {
		// Having refused the corrupted block, the client finds no other
		// provider and gives up at its timeout. A short one is enough to
		// get a block through the proxy on a quiet machine; when none
		// got through, the fetch runs again with a long one.
		var (
			got    []byte
			stderr string
			err    error
		)
		for _, timeout := range []string{"2000", "30000"} {
			got, stderr, err = verifiedFetch(t, dir, proxy.URL, "ipfs://"+cid+"/index.html", timeout)
			if corrupted.Load() > 0 || err == nil {
				break
			}
		}
		if err == nil || bytes.Equal(got, want) {
			t.Errorf("verified-fetch through a corrupting proxy succeeded: %d bytes\n%s", len(got), stderr)
		}
		if corrupted.Load() == 0 {
			t.Errorf("the client fetched no block through the corrupting proxy (%v)\n%s", err, stderr)
		}
		t.Logf("through the corrupting proxy: %d corrupted blocks sent, client: %v: %s", corrupted.Load(), err, strings.TrimSpace(stderr))
	})
	wg.Wait()
}

// corruptingProxy forwards r to the node at to and flips the last byte of
// raw block bodies (?format=raw or Accept: application/vnd.ipld.raw). It
// reports whether it corrupted the answer.
func corruptingProxy(w http.ResponseWriter, r *http.Request, to *url.URL) bool {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, to.String()+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return false
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return false
	}
	bad := resp.Header.Get("Content-Type") == "application/vnd.ipld.raw" && len(body) > 0
	if bad {
		body[len(body)-1] ^= 0xff
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
	return bad
}
