package gateway_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// The benchmarks report cpu-ns/op beside ns/op: the process's CPU time
// (user and system) per operation, which a busy machine changes much less
// than the time on the clock.

// BenchmarkServeFile downloads a 64 MiB file (1 MiB blocks, each read
// from the store and verified) through the gateway, client included.
// bench/serve.sh compares the whole server with kubo's.
func BenchmarkServeFile(b *testing.B) {
	_, url, size := bigFile(b)
	b.SetBytes(size)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != size {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

// BenchmarkServeRange asks for 64 KiB in the middle of the 64 MiB file:
// what a range costs should not depend on the size of the file.
func BenchmarkServeRange(b *testing.B) {
	_, url, size := bigFile(b)
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Range", "bytes="+strconv.FormatInt(size/2, 10)+"-"+strconv.FormatInt(size/2+64<<10-1, 10))
	b.SetBytes(64 << 10)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != 64<<10 || resp.StatusCode != http.StatusPartialContent {
			b.Fatalf("%d: read %d bytes: %v", resp.StatusCode, n, err)
		}
	}
}

// bigFile imports a 64 MiB file of random bytes and serves it.
func bigFile(b *testing.B) (*httptest.Server, string, int64) {
	h := newHome(b, 90)
	dir := b.TempDir()
	buf := make([]byte, 64<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(buf); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			buf[i+j] = byte(v >> (8 * j))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), buf, 0o644); err != nil {
		b.Fatal(err)
	}
	res, err := unixfs.Import(context.Background(), h.store.Blockstore(), dir, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		b.Fatal(err)
	}
	srv := h.serve(b, nil)
	return srv, srv.URL + "/ipfs/" + res.Root.String() + "/big.bin", int64(len(buf))
}

// BenchmarkServeSmall serves a 1 KiB file in-process (no network): the
// per-request cost of the handlers.
func BenchmarkServeSmall(b *testing.B) {
	s, root := smallFile(b)
	target := "/ipfs/" + root.String() + "/small.txt"
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != 200 || w.Body.Len() != 1024 {
			b.Fatalf("%d %d", w.Code, w.Body.Len())
		}
	}
}

func smallFile(b testing.TB) (*gateway.Server, cid.Cid) {
	h := newHome(b, 91)
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), make([]byte, 1024), 0o644); err != nil {
		b.Fatal(err)
	}
	res, err := unixfs.Import(context.Background(), h.store.Blockstore(), dir, unixfs.Options{Profile: unixfs.ProfileV1})
	if err != nil {
		b.Fatal(err)
	}
	s, err := gateway.New(gateway.Config{Blocks: h.store, IndexPath: h.index, Registry: h.key.RegistryName()})
	if err != nil {
		b.Fatal(err)
	}
	return s, res.Root
}

// cpuPerOp starts counting the process's CPU time; the function it
// returns reports it per operation as cpu-ns/op.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}
