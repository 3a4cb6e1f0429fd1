package car_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

// writeChange writes a change file for the fixture's head manifest,
// carrying its service index and the content of a site.
func writeChange(t testing.TB, f *fixture) ([]byte, *registry.Change, cid.Cid) {
	t.Helper()
	ctx := context.Background()
	data, err := f.blocks.Get(ctx, f.head.Root)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := f.blocks.Get(ctx, m.Services)
	if err != nil {
		t.Fatal(err)
	}
	content := site(t, f.blocks, "change")
	ch := &registry.Change{Manifest: m, Block: manifest.Block{CID: f.head.Root, Data: data},
		Blocks: map[cid.Cid][]byte{m.Services: ix}, Content: []cid.Cid{content}}
	var buf bytes.Buffer
	err = car.WriteChange(ctx, &buf, ch, f.blocks, func(w *car.Writer) error { return w.DAG(ctx, content, nil) })
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), ch, content
}

func TestChangeRoundTrip(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	file, ch, _ := writeChange(t, f)
	got, contents, err := car.ReadChange(ctx, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Block.CID.Equals(ch.Block.CID) || !bytes.Equal(got.Block.Data, ch.Block.Data) || got.Manifest.Seq != ch.Manifest.Seq ||
		len(got.Blocks) != 1 || !bytes.Equal(got.Blocks[ch.Manifest.Services], ch.Blocks[ch.Manifest.Services]) {
		t.Fatalf("read back %+v", got)
	}
	if contents.Blocks != 2+6 { // manifest, index, the site's six blocks
		t.Fatalf("%d blocks", contents.Blocks)
	}
	// written anew with the content copied from the file: the same file
	var again bytes.Buffer
	err = car.WriteChange(ctx, &again, got, nil, func(w *car.Writer) error { return car.CopyContent(ctx, bytes.NewReader(file), w) })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), file) {
		t.Fatal("a change written anew differs")
	}
}

// A block whose bytes were changed in the file is refused, be it the
// manifest or a release's block, by ReadChange and CopyContent.
func TestChangeTampered(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	file, _, _ := writeChange(t, f)
	for _, s := range []string{regName, "file0change"} {
		i := bytes.Index(file, []byte(s))
		if i < 0 {
			t.Fatalf("%q not in the file", s)
		}
		bad := bytes.Clone(file)
		bad[i+len(s)-1] ^= 1
		if _, _, err := car.ReadChange(ctx, bytes.NewReader(bad)); !errors.Is(err, manifest.ErrCIDMismatch) {
			t.Fatalf("%q changed: %v, want ErrCIDMismatch", s, err)
		}
		if s == regName {
			continue
		}
		var buf bytes.Buffer
		w, _ := car.NewWriter(&buf, nil, nil)
		if err := car.CopyContent(ctx, bytes.NewReader(bad), w); !errors.Is(err, manifest.ErrCIDMismatch) {
			t.Fatalf("copy with %q changed: %v, want ErrCIDMismatch", s, err)
		}
	}
	for name, bad := range map[string][]byte{"truncated": file[:len(file)-3], "empty": nil} {
		if _, _, err := car.ReadChange(ctx, bytes.NewReader(bad)); !errors.Is(err, car.ErrInvalidCAR) {
			t.Fatalf("%s: %v, want ErrInvalidCAR", name, err)
		}
	}
	// a CAR of the registry, not a change: two roots, or no manifest
	other := writeDAG(t, f.blocks, []cid.Cid{f.head.Root, f.head.Root}, f.head.Root)
	if _, _, err := car.ReadChange(ctx, bytes.NewReader(other)); !errors.Is(err, car.ErrInvalidCAR) {
		t.Fatalf("two roots: %v, want ErrInvalidCAR", err)
	}
}

// FuzzReadChange feeds arbitrary files to ReadChange: it never panics,
// and a change it reads carries a manifest that hashes to its CID and
// DAG-CBOR blocks within MaxChangeMeta.
func FuzzReadChange(f *testing.F) {
	fx := newFixture(f)
	good, _, _ := writeChange(f, fx)
	f.Add(good)
	f.Add(good[:120])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ch, _, err := car.ReadChange(context.Background(), bytes.NewReader(data))
		if err != nil {
			return
		}
		if err := manifest.CheckBlock(ch.Block.CID, ch.Block.Data); err != nil {
			t.Fatal(err)
		}
		n := len(ch.Block.Data)
		for c, d := range ch.Blocks {
			if err := manifest.CheckBlock(c, d); err != nil {
				t.Fatal(err)
			}
			n += len(d)
		}
		if n > car.MaxChangeMeta {
			t.Fatalf("%d bytes kept", n)
		}
		ch.Summarize(context.Background()) // must not panic on what it read
	})
}
