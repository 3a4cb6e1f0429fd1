package unixfs

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/svcreg/svcreg/registry/unixfs/internal/fixtures"
)

// BenchmarkImport imports one 64 MiB file and 5,000 files of 100 B–8 KiB
// into an in-memory blockstore with ProfileV1.
func BenchmarkImport(b *testing.B) {
	inputs := []struct {
		name  string
		build func(dir string) error
	}{
		{"64MiB", func(d string) error { return fixtures.BigFile(d, 64*fixtures.MiB) }},
		{"5000files", func(d string) error { return fixtures.ManyFiles(d, 5000) }},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := in.build(dir); err != nil {
				b.Fatal(err)
			}
			res := mustImport(b, memBlockstore(), dir, Options{})
			b.SetBytes(int64(res.Size))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Import(context.Background(), memBlockstore(), dir, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHash is the hash-only import (Hash, what publish --dry-run
// runs) of one 256 MiB file with ProfileV1: the path to profile with
// -cpuprofile and compare with BenchmarkSHA256Floor.
func BenchmarkHash(b *testing.B) {
	dir := b.TempDir()
	if err := fixtures.BigFile(dir, 256*fixtures.MiB); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(256 * fixtures.MiB)
	b.ReportAllocs()
	defer reportCPU(b, 256*fixtures.MiB)()
	for b.Loop() {
		if _, err := Hash(context.Background(), dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256Floor hashes 256 MiB in memory with crypto/sha256, in
// chunks of 256 KiB (ProfileV0) and 1 MiB (ProfileV1), on one goroutine
// and on one per core (GOMAXPROCS): the limit of a hash-only import,
// which must at least hash every byte once.
func BenchmarkSHA256Floor(b *testing.B) {
	const total = 256 * fixtures.MiB
	data := make([]byte, total)
	for i := range data {
		data[i] = byte(i * 7)
	}
	for _, chunk := range []int{256 * fixtures.KiB, fixtures.MiB} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("chunk=%dKiB/cores=%d", chunk/fixtures.KiB, workers), func(b *testing.B) {
				b.SetBytes(total)
				defer reportCPU(b, total)()
				for b.Loop() {
					var next atomic.Int64
					var wg sync.WaitGroup
					for range workers {
						wg.Go(func() {
							for {
								off := (next.Add(1) - 1) * int64(chunk)
								if off >= total {
									return
								}
								sha256.Sum256(data[off : off+int64(chunk)])
							}
						})
					}
					wg.Wait()
				}
			})
		}
	}
}

// reportCPU returns a function that reports the process's CPU time (user
// and system) per operation since reportCPU was called, and the
// throughput in MB per CPU second: figures that load from other processes
// on a shared machine skews far less than wall time.
func reportCPU(b *testing.B, bytes int64) func() {
	start := cpuTime()
	return func() {
		cpu := cpuTime() - start
		if b.N == 0 || cpu <= 0 {
			return
		}
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
		b.ReportMetric(float64(bytes)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}
