package manifest_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/svcreg/svcreg/manifest"
)

// BenchmarkDecodeLock decodes a lock of 10,000 services.
func BenchmarkDecodeLock(b *testing.B) {
	l := &manifest.Lock{Registry: lockRegistry, Root: lockRoot, Seq: 1, Services: map[manifest.Name]manifest.LockEntry{}}
	for i := range 10000 {
		l.Services[manifest.Name(fmt.Sprintf("service-%05d", i))] = manifest.LockEntry{
			Range: "^1.0.0", Version: manifest.MustParseVersion("1.2.3"), CID: lockDirV1, Size: 1234, Profile: "unixfs-v1-2025",
		}
	}
	data := encodeLock(b, l)
	b.ReportAllocs()
	b.ReportMetric(float64(len(data)), "bytes")
	for b.Loop() {
		if _, err := manifest.DecodeLock(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
