package maint_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// home is a registry on disk with one release, laid out as svcreg's:
// blocks/, index.db and heads/ beside it.
type home struct {
	dir    string
	blocks *flatfs.Store
	index  string
	name   string
	head   registry.Head
}

// mustHome makes a home whose registry holds web@1.0.0, a directory of
// one file whose text is content.
func mustHome(tb testing.TB, content string) *home {
	tb.Helper()
	ctx := context.Background()
	dir := tb.TempDir()
	bs, err := flatfs.Open(filepath.Join(dir, "blocks"), &flatfs.Options{NoSync: true, KeepCorrupt: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { bs.Close() })
	key, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	h := &home{dir: dir, blocks: bs, index: filepath.Join(dir, "index.db"), name: key.Name()}
	site := tb.TempDir()
	if err := os.WriteFile(filepath.Join(site, "index.html"), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	res, err := unixfs.Import(ctx, bs.Blockstore(), site, unixfs.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	idx, err := bolt.Open(h.index, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer idx.Close()
	reg, err := registry.New(registry.Config{Blocks: bs, Index: idx, Signer: ipns.NewSigner(key)})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := reg.Init(ctx); err != nil {
		tb.Fatal(err)
	}
	h.head, _, err = reg.Publish(ctx, registry.Publication{
		Service: "web", Version: manifest.MustParseVersion("1.0.0"), Content: res.Root, Size: res.Size, Profile: unixfs.ProfileV1,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// blockFile returns the file of the stored block whose bytes contain s.
func (h *home) blockFile(tb testing.TB, s string) string {
	tb.Helper()
	var found string
	filepath.WalkDir(filepath.Join(h.dir, "blocks"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".data") && !strings.Contains(p, ".quarantine") {
			if b, err := os.ReadFile(p); err == nil && bytes.Contains(b, []byte(s)) {
				found = p
			}
		}
		return nil
	})
	if found == "" {
		tb.Fatalf("no block holds %q", s)
	}
	return found
}

// flip changes one byte of the block whose bytes contain s, keeping
// its size.
func (h *home) flip(tb testing.TB, s string) {
	tb.Helper()
	p := h.blockFile(tb, s)
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	i := bytes.Index(b, []byte(s))
	b[i] ^= 0x20
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// putOld stores data as a raw block no head reaches, last written age ago.
func (h *home) putOld(tb testing.TB, data string, age time.Duration) cid.Cid {
	tb.Helper()
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: 0x12, MhLength: -1}.Sum([]byte(data))
	if err != nil {
		tb.Fatal(err)
	}
	if err := h.blocks.Put(context.Background(), c, []byte(data)); err != nil {
		tb.Fatal(err)
	}
	then := time.Now().Add(-age)
	if err := os.Chtimes(h.blockFile(tb, data), then, then); err != nil {
		tb.Fatal(err)
	}
	return c
}

// has reports whether c is stored.
func (h *home) has(tb testing.TB, c cid.Cid) bool {
	tb.Helper()
	ok, err := h.blocks.Has(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	return ok
}
