package unixfs

import (
	"context"
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
