package main

import (
	"context"
	"path/filepath"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// publishUnchecked is the testscript command "publish-unchecked
// NAME@VERSION DIR": it publishes DIR into $SVCREG_HOME's registry
// through the library, without the checks svcreg publish makes, as a
// release published by another tool or an older svcreg may be (a symlink
// that leaves the directory, say).
func publishUnchecked(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: publish-unchecked NAME@VERSION DIR")
	}
	ctx := context.Background()
	home := ts.Getenv("SVCREG_HOME")
	name, v, err := manifest.ParseExact(args[0])
	ts.Check(err)
	bs, err := flatfs.Open(filepath.Join(home, blocksDir), nil)
	ts.Check(err)
	defer bs.Close()
	res, err := unixfs.Import(ctx, bs.Blockstore(), ts.MkAbs(args[1]), unixfs.Options{})
	ts.Check(err)
	idx, err := bolt.Open(filepath.Join(home, indexFile), nil)
	ts.Check(err)
	defer idx.Close()
	key, err := svchome.LoadKey(home)
	ts.Check(err)
	reg, err := registry.New(registry.Config{Name: key.Name(), Blocks: bs, Index: idx, Signer: ipns.NewSigner(key)})
	ts.Check(err)
	_, _, err = reg.Publish(ctx, registry.Publication{Service: name, Version: v, Content: res.Root, Size: res.Size, Profile: unixfs.ProfileV1})
	ts.Check(err)
}
