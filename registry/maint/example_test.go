package maint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/maint"
)

// Check finds a stored block that no longer matches its CID; with Repair
// it moves the block into quarantine.
func ExampleCheck() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "home")
	defer os.RemoveAll(dir)
	blocks, _ := flatfs.Open(filepath.Join(dir, "blocks"), &flatfs.Options{KeepCorrupt: true})
	defer blocks.Close()
	data := []byte("hello")
	c, _ := cid.V1Builder{Codec: cid.Raw, MhType: 0x12}.Sum(data)
	blocks.Put(ctx, c, data)
	os.WriteFile(storedFile(dir), []byte("jello"), 0o644) // the disk lies

	opt := maint.CheckOptions{Blocks: blocks, IndexPath: filepath.Join(dir, "index.db")}
	rep, _ := maint.Check(ctx, opt)
	fmt.Println("index:", rep.Index, "stored:", rep.Stored)
	fmt.Println("problems:", rep.Problems)
	fmt.Println("err:", rep.Err())

	opt.Repair = true
	rep, _ = maint.Check(ctx, opt)
	fmt.Println("repaired:", rep.Repaired)
	fmt.Println("err:", rep.Err())
	// Output:
	// index: ok stored: 1
	// problems: [blocks: 1 stored blocks do not match their CID]
	// err: 1 problem(s), the first: blocks: 1 stored blocks do not match their CID
	// repaired: [corrupt block bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq moved to blocks/.quarantine]
	// err: <nil>
}

// GC removes a block that no head reaches once it is older than the
// grace.
func ExampleGC() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "home")
	defer os.RemoveAll(dir)
	blocks, _ := flatfs.Open(filepath.Join(dir, "blocks"), nil)
	defer blocks.Close()
	data := []byte("unreachable")
	c, _ := cid.V1Builder{Codec: cid.Raw, MhType: 0x12}.Sum(data)
	blocks.Put(ctx, c, data)
	then := time.Now().Add(-2 * maint.DefaultGrace)
	os.Chtimes(storedFile(dir), then, then)

	out, err := maint.GC(ctx, maint.GCOptions{Blocks: blocks, IndexPath: filepath.Join(dir, "index.db"), Grace: maint.DefaultGrace})
	fmt.Printf("removed %d blocks (%d bytes), kept %d, err %v\n", out.Blocks, out.Bytes, out.Kept, err)
	// Output:
	// removed 1 blocks (11 bytes), kept 0, err <nil>
}

// storedFile returns the one block file under dir/blocks.
func storedFile(dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "blocks", "*", "*.data"))
	return files[0]
}
