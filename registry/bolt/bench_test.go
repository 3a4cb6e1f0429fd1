package bolt

import (
	"context"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// BenchmarkResolution measures a warm cached lookup with the index open.
func BenchmarkResolution(b *testing.B) {
	ctx := context.Background()
	c, _ := openTest(b)
	h := testHead(b, name, 1)
	mustSwap(b, c, 0, h)
	want := registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.2.3"), CID: testCid("tts")}
	if err := c.PutResolution(ctx, name, h.Root, "tts@^1", want); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		r, ok, err := c.Resolution(ctx, name, h.Root, "tts@^1")
		if err != nil || !ok || r.Version.String() != want.Version.String() {
			b.Fatalf("Resolution: %+v, %v, %v", r, ok, err)
		}
	}
}

// BenchmarkHead measures a warm head read with the index open.
func BenchmarkHead(b *testing.B) {
	ctx := context.Background()
	c, _ := openTest(b)
	mustSwap(b, c, 0, testHead(b, name, 1))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Head(ctx, name); err != nil {
			b.Fatal(err)
		}
	}
}
