package car_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	"github.com/ipld/go-ipld-prime/datamodel"
	"github.com/ipld/go-ipld-prime/linking"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	selectorparse "github.com/ipld/go-ipld-prime/traversal/selector/parse"

	"github.com/svcreg/svcreg/internal/bytesize"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
	"github.com/svcreg/svcreg/registry/registrytest"
)

const regName = "k51qzi5uqu5dtestregistry"

// site stores a small UnixFS-shaped tree (dag-pb directories, raw and
// dag-pb leaves, a leaf shared by two directories) and returns its root.
func site(t testing.TB, bs registry.Blocks, salt string) cid.Cid {
	t.Helper()
	ctx := context.Background()
	put := func(c cid.Cid, data []byte) {
		if err := bs.Put(ctx, c, data); err != nil {
			t.Fatal(err)
		}
	}
	shared := merkledag.NewRawNode([]byte("shared style"))
	put(shared.Cid(), shared.RawData())
	sub := merkledag.NodeWithData([]byte{0x08, 0x01})
	sub.AddNodeLink("style.css", shared)
	put(sub.Cid(), sub.RawData())
	root := merkledag.NodeWithData([]byte{0x08, 0x01})
	for i := range 3 {
		leaf := merkledag.NodeWithData(fmt.Appendf(nil, "\x08\x02\x12\x05file%d%s", i, salt))
		put(leaf.Cid(), leaf.RawData())
		root.AddNodeLink(fmt.Sprintf("f%d.txt", i), leaf)
	}
	root.AddNodeLink("assets", sub)
	root.AddNodeLink("style.css", shared)
	put(root.Cid(), root.RawData())
	return root.Cid()
}

// fixture is a registry with history and releases, in memory.
type fixture struct {
	blocks *registrytest.Blocks
	reg    *registry.Registry
	head   registry.Head
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{blocks: registrytest.NewBlocks()}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	reg, err := registry.New(registry.Config{Blocks: f.blocks, Index: registrytest.NewIndex(),
		Signer: registrytest.Signer{N: regName}, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		t.Fatal(err)
	}
	for i, spec := range []string{"tts@1.0.0", "tts@1.0.1", "web@2.0.0"} {
		name, v, _ := manifest.ParseExact(spec)
		content := site(t, f.blocks, fmt.Sprint(i%2))
		if _, _, err := reg.Publish(ctx, registry.Publication{Service: name, Version: v, Content: content, Profile: "unixfs-v1-2025"}); err != nil {
			t.Fatal(err)
		}
	}
	f.reg = reg
	f.head, _ = reg.Head(ctx)
	return f
}

// traverseV1 is what `ipfs dag export` does: go-car's TraverseV1 over a
// plain link system.
func traverseV1(t testing.TB, bs registry.Blocks, root cid.Cid) []byte {
	t.Helper()
	lsys := cidlink.DefaultLinkSystem()
	lsys.StorageReadOpener = func(lc linking.LinkContext, l datamodel.Link) (io.Reader, error) {
		b, err := bs.Get(lc.Ctx, l.(cidlink.Link).Cid)
		return bytes.NewReader(b), err
	}
	var buf bytes.Buffer
	if _, err := carv2.TraverseV1(context.Background(), &lsys, root, selectorparse.CommonSelector_ExploreAllRecursively, &buf, carv2.AllowDuplicatePuts(false)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeDAG(t testing.TB, bs registry.Blocks, roots []cid.Cid, dags ...cid.Cid) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := car.NewWriter(&buf, roots, bs)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dags {
		if err := w.DAG(context.Background(), d, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteMatchesDagExport(t *testing.T) {
	f := newFixture(t)
	got := writeDAG(t, f.blocks, []cid.Cid{f.head.Root}, f.head.Root)
	want := traverseV1(t, f.blocks, f.head.Root)
	if !bytes.Equal(got, want) {
		t.Fatalf("CAR differs from TraverseV1: %d vs %d bytes", len(got), len(want))
	}
	// Every block of the registry, its history and its content is there.
	dst := registrytest.NewBlocks()
	c, err := car.Read(context.Background(), bytes.NewReader(got), dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Blocks != f.blocks.Len() || dst.Len() != f.blocks.Len() {
		t.Fatalf("read %d blocks, the registry has %d", c.Blocks, f.blocks.Len())
	}
}

func TestRecordRoot(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	rc, err := car.RecordCID(f.head.Record)
	if err != nil || !car.MaybeRecord(rc) {
		t.Fatalf("record cid %s, %v", rc, err)
	}
	var buf bytes.Buffer
	w, _ := car.NewWriter(&buf, []cid.Cid{f.head.Root, rc}, f.blocks)
	if err := w.DAG(ctx, f.head.Root, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Put(ctx, rc, f.head.Record); err != nil {
		t.Fatal(err)
	}
	w.Close()
	dst := registrytest.NewBlocks()
	c, err := car.Read(ctx, &buf, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Roots) != 2 || !c.Roots[1].Equals(rc) {
		t.Fatalf("roots %v", c.Roots)
	}
	if b, err := dst.Get(ctx, rc); err != nil || !bytes.Equal(b, f.head.Record) {
		t.Fatalf("record block: %q, %v", b, err)
	}
}

func TestWriteSkipAndDedup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	m, _ := manifest.DecodeManifest(must(f.blocks.Get(ctx, f.head.Root)))
	var buf bytes.Buffer
	w, _ := car.NewWriter(&buf, []cid.Cid{f.head.Root}, f.blocks)
	// Skip the history: only the head state's own blocks and content.
	if err := w.DAG(ctx, f.head.Root, func(c cid.Cid) bool { return c.Equals(m.Prev) }); err != nil {
		t.Fatal(err)
	}
	n1, _ := w.Stats()
	// Writing it again adds nothing.
	if err := w.DAG(ctx, f.head.Root, nil); err != nil {
		t.Fatal(err)
	}
	w.Block(ctx, f.head.Root)
	if n2, _ := w.Stats(); n2 != n1 {
		t.Fatalf("second pass wrote %d more blocks", n2-n1)
	}
	w.Close()
	dst := registrytest.NewBlocks()
	if _, err := car.Read(ctx, &buf, dst, nil); err != nil {
		t.Fatal(err)
	}
	if ok, _ := dst.Has(ctx, m.Prev); ok {
		t.Fatal("the skipped previous state was written")
	}
	if dst.Len() >= f.blocks.Len() {
		t.Fatalf("%d of %d blocks written despite the skip", dst.Len(), f.blocks.Len())
	}
}

func TestWriteMissingBlock(t *testing.T) {
	f := newFixture(t)
	var buf bytes.Buffer
	w, _ := car.NewWriter(&buf, []cid.Cid{f.head.Root}, registrytest.NewBlocks())
	if err := w.DAG(context.Background(), f.head.Root, nil); !errors.Is(err, registry.ErrBlockNotFound) {
		t.Fatalf("export from an empty store: %v", err)
	}
}

func TestReadRefusesBadBlocks(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	good := writeDAG(t, f.blocks, []cid.Cid{f.head.Root}, f.head.Root)
	// Flip the last byte: the last block no longer matches its CID.
	bad := bytes.Clone(good)
	bad[len(bad)-1] ^= 0xff
	dst := registrytest.NewBlocks()
	if _, err := car.Read(ctx, bytes.NewReader(bad), dst, nil); !errors.Is(err, manifest.ErrCIDMismatch) {
		t.Fatalf("corrupt block: %v", err)
	}
	for name, data := range map[string][]byte{
		"garbage":   []byte("not a car at all"),
		"truncated": good[:len(good)-3],
		"empty":     nil,
	} {
		if _, err := car.Read(ctx, bytes.NewReader(data), registrytest.NewBlocks(), nil); !errors.Is(err, car.ErrInvalidCAR) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReadCARv2(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v1 := writeDAG(t, f.blocks, []cid.Cid{f.head.Root}, f.head.Root)
	var v2 bytes.Buffer
	if err := carv2.WrapV1(bytes.NewReader(v1), &v2); err != nil {
		t.Fatal(err)
	}
	dst := registrytest.NewBlocks()
	c, err := car.Read(ctx, &v2, dst, nil)
	if err != nil || c.Blocks != f.blocks.Len() || !c.Roots[0].Equals(f.head.Root) {
		t.Fatalf("CARv2: %+v, %v", c, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestExport: without specs Export writes what `ipfs dag export` does,
// then the record as the second root; with specs, only the blocks of
// those releases; --no-record leaves the record out. The result marshals
// as svcreg export --json documents.
func TestExport(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	f.head.Record = []byte("a record")
	var all, bare, part bytes.Buffer
	ea, err := car.Export(ctx, &all, f.reg, f.blocks, f.head, car.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eb, err := car.Export(ctx, &bare, f.reg, f.blocks, f.head, car.ExportOptions{NoRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bare.Bytes(), traverseV1(t, f.blocks, f.head.Root)) || eb.Record || len(eb.Roots) != 1 {
		t.Fatalf("export --no-record differs from dag export: %+v", eb)
	}
	if !ea.Record || len(ea.Roots) != 2 || ea.Blocks != eb.Blocks+1 || ea.Partial {
		t.Fatalf("export with the record: %+v (without: %+v)", ea, eb)
	}
	spec, _ := manifest.ParseSpec("web@2")
	ep, err := car.Export(ctx, &part, f.reg, f.blocks, f.head, car.ExportOptions{Specs: []manifest.Spec{spec}, NoRecord: true})
	if err != nil || !ep.Partial || ep.Blocks >= eb.Blocks {
		t.Fatalf("partial export: %+v, %v (whole: %d blocks)", ep, err, eb.Blocks)
	}
	ep.File = "part.car"
	b, _ := json.Marshal(ep)
	var got map[string]any
	json.Unmarshal(b, &got)
	for _, k := range []string{"file", "registry", "root", "seq", "roots", "blocks", "bytes", "record", "partial"} {
		if _, ok := got[k]; !ok {
			t.Errorf("export JSON %s lacks %q", b, k)
		}
	}
	if got["file"] != "part.car" || got["root"] != f.head.Root.String() || got["partial"] != true {
		t.Errorf("export JSON %s", b)
	}
	want := fmt.Sprintf("exported 1 release(s), seq %d of %s: %d blocks (%s) to part.car", f.head.Seq, f.head.Name, ep.Blocks, bytesize.Format(ep.Bytes))
	if ep.String() != want {
		t.Errorf("partial export: %q, want %q", ep.String(), want)
	}
	ea.File = "-"
	want = fmt.Sprintf("exported the whole registry, seq %d of %s: %d blocks (%s) to -", f.head.Seq, f.head.Name, ea.Blocks, bytesize.Format(ea.Bytes))
	if ea.String() != want {
		t.Errorf("export: %q, want %q", ea.String(), want)
	}
}
