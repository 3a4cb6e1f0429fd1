package gateway_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// BenchmarkServeFile downloads a 64 MiB file (1 MiB blocks, each read
// from the store and verified) through the gateway. bench/serve.sh
// compares the whole server with kubo's.
func BenchmarkServeFile(b *testing.B) {
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
	url := srv.URL + "/ipfs/" + res.Root.String() + "/big.bin"
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		resp, err := http.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != int64(len(buf)) {
			b.Fatalf("read %d bytes: %v", n, err)
		}
	}
}

// BenchmarkServeSmall serves a 1 KiB file in-process (no network): the
// per-request cost of the handlers.
func BenchmarkServeSmall(b *testing.B) {
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
	target := "/ipfs/" + res.Root.String() + "/small.txt"
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		if w.Code != 200 || w.Body.Len() != 1024 {
			b.Fatalf("%d %d", w.Code, w.Body.Len())
		}
	}
}
