package main

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// addVersions publishes name@1.1.0 … name@1.N.0, all with content (already
// stored), into the home dir in one change, through the library: a large
// service without N processes. No svcreg process may have the home open.
func addVersions(t *testing.T, dir, name string, content cid.Cid, n int) {
	t.Helper()
	ctx := context.Background()
	key, err := ipns.LoadKey(filepath.Join(dir, keyFile))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := flatfs.Open(filepath.Join(dir, blocksDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	idx, err := bolt.Open(filepath.Join(dir, indexFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	reg, err := registry.New(registry.Config{Blocks: bs, Index: idx, Signer: ipns.NewSigner(key)})
	if err != nil {
		t.Fatal(err)
	}
	var ps []registry.Publication
	for i := 1; i <= n; i++ {
		ps = append(ps, registry.Publication{Service: manifest.Name(name), Version: manifest.MustParseVersion(fmt.Sprintf("1.%d.0", i)),
			Content: content, Size: 1, Profile: "unixfs-v1-2025"})
	}
	if _, _, err := reg.PublishAll(ctx, ps); err != nil {
		t.Fatal(err)
	}
}
