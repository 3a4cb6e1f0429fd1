package main

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// hostile is a gateway that answers as good does, but badly: "drip"
// sends every body one byte every 2 s; "truncate" cuts CARs in half;
// "corruptlast" flips the last byte of CARs; "endless" answers CAR
// requests with a CARv2 whose data starts 2^50 bytes in, then zeros.
type hostile struct {
	*httptest.Server
	sent atomic.Int64 // body bytes sent
}

func newHostile(t testing.TB, good *testGateway, mode string) *hostile {
	t.Helper()
	h := &hostile{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		isCAR := r.URL.Query().Get("format") == "car"
		if isCAR && mode == "endless" {
			w.Header().Set("Content-Type", "application/vnd.ipld.car; version=1")
			hdr := []byte{0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02}
			hdr = append(hdr, make([]byte, 16)...)
			hdr = binary.LittleEndian.AppendUint64(hdr, 1<<50)
			hdr = binary.LittleEndian.AppendUint64(hdr, 1<<50)
			hdr = binary.LittleEndian.AppendUint64(hdr, 0)
			w.Write(hdr)
			zeros := make([]byte, 64<<10)
			for r.Context().Err() == nil {
				n, err := w.Write(zeros)
				h.sent.Add(int64(n))
				if err != nil {
					return
				}
			}
			return
		}
		rec := httptest.NewRecorder()
		good.serve(rec, r)
		body := rec.Body.Bytes()
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		switch {
		case mode == "drip":
			w.WriteHeader(rec.Code)
			for _, b := range body {
				w.Write([]byte{b})
				h.sent.Add(1)
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(2 * time.Second):
				}
			}
			return
		case isCAR && mode == "truncate":
			body = body[:len(body)/2]
		case isCAR && mode == "corruptlast":
			body = bytes.Clone(body)
			body[len(body)-1] ^= 0xff
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
		h.sent.Add(int64(len(body)))
	}))
	t.Cleanup(h.Close)
	return h
}

// TestSlowGateway: a gateway sending one byte every 2 s, asked first,
// holds back neither a resolve nor a get that a good gateway answers, and
// alone it costs --timeout, not the time its body would take.
func TestSlowGateway(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	slow := newHostile(t, good, "drip")
	home := filepath.Join(t.TempDir(), "client")
	start := time.Now()
	got := must(t, home, "resolve", "tts", "--registry", name, "--gateway", slow.URL, "--gateway", good.URL, "--timeout", "3s")
	if took := time.Since(start); took > 2*time.Second || got != must(t, pub, "resolve", "tts") {
		t.Fatalf("resolve next to a slow gateway: %s after %s", got, took)
	} else {
		t.Logf("resolve next to a slow gateway: %s", took.Round(time.Millisecond))
	}
	start = time.Now()
	out := filepath.Join(t.TempDir(), "out")
	must(t, home, "get", "tts@1.0.0", "-o", out, "--registry", name, "--gateway", slow.URL, "--gateway", good.URL, "--timeout", "3s")
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("get next to a slow gateway took %s", took)
	} else {
		t.Logf("get next to a slow gateway: %s", took.Round(time.Millisecond))
	}
	start = time.Now()
	fails(t, exitNetwork, "no complete response within its deadline (1s)", filepath.Join(t.TempDir(), "c2"),
		"resolve", "tts", "--registry", name, "--gateway", slow.URL, "--timeout", "1s")
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("a slow gateway alone held resolve for %s with --timeout 1s", took)
	} else {
		t.Logf("a slow gateway alone, --timeout 1s: exit 8 after %s", took.Round(time.Millisecond))
	}
}

// TestEndlessCAR: an endless CARv2 is refused at once, and the next
// gateway delivers.
func TestEndlessCAR(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	endless := newHostile(t, good, "endless")
	home := filepath.Join(t.TempDir(), "client")
	start := time.Now()
	r := svcreg(t, home, "get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "out"), "--registry", name,
		"--gateway", endless.URL, "--gateway", good.URL)
	if r.code != 0 || time.Since(start) > 5*time.Second || !strings.Contains(r.stderr, "CARv2") {
		t.Fatalf("exit %d after %s: %s", r.code, time.Since(start), r.stderr)
	}
	if n := endless.sent.Load(); n > 64<<20 {
		t.Errorf("read %d bytes of an endless CAR", n)
	} else {
		t.Logf("endless CARv2: the server got %d bytes out; get done in %s", n, time.Since(start).Round(time.Millisecond))
	}
}

// TestPoisonedHome: a truncated CAR, a CAR with a corrupt last block and
// a block corrupted on disk never stop a later get from a good gateway;
// what cannot be fetched is exit 5 or 8, never 1.
func TestPoisonedHome(t *testing.T) {
	pub, name := publisher(t)
	good := newGateway(t, pub)
	for _, mode := range []string{"truncate", "corruptlast"} {
		t.Run(mode, func(t *testing.T) {
			bad := newHostile(t, good, mode)
			home := filepath.Join(t.TempDir(), "client")
			out := filepath.Join(t.TempDir(), "out")
			r := svcreg(t, home, "get", "tts@1.0.0", "-o", out, "--registry", name, "--gateway", bad.URL)
			if r.code != exitNetwork && r.code != exitIntegrity {
				t.Fatalf("get from a %s gateway: exit %d: %s", mode, r.code, r.stderr)
			}
			must(t, home, "get", "tts@1.0.0", "-o", out, "--registry", name, "--gateway", good.URL)
			if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "one" {
				t.Fatalf("got %q", b)
			}
		})
	}
	t.Run("corrupt on disk", func(t *testing.T) {
		home := filepath.Join(t.TempDir(), "client")
		must(t, home, "get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "o1"), "--registry", name, "--gateway", good.URL)
		n := 0
		filepath.WalkDir(filepath.Join(home, blocksDir), func(p string, d fs.DirEntry, err error) error {
			if err == nil && strings.HasSuffix(p, ".data") {
				b, _ := os.ReadFile(p)
				if bytes.Equal(b, []byte("one")) || bytes.Contains(b, []byte("index.html")) {
					os.WriteFile(p, append([]byte("rot"), b...), 0o644)
					n++
				}
			}
			return nil
		})
		if n == 0 {
			t.Fatal("found no content block to corrupt")
		}
		r := svcreg(t, home, "get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "o2"), "--registry", name, "--offline")
		if r.code != exitIntegrity && r.code != exitNetwork {
			t.Fatalf("offline get of a corrupt copy: exit %d: %s", r.code, r.stderr)
		}
		out := filepath.Join(t.TempDir(), "o3")
		must(t, home, "get", "tts@1.0.0", "-o", out, "--registry", name, "--gateway", good.URL)
		if b, _ := os.ReadFile(filepath.Join(out, "index.html")); string(b) != "one" {
			t.Fatalf("got %q", b)
		}
	})
}
