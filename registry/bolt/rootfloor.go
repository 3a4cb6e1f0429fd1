package bolt

import (
	"context"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry"
)

// bucketRoots holds each registry's root floor: the highest trust Root
// verified for it (registry.RootFloor), as u64 version | Root CID bytes.
// It is created by the first write of a root floor; a file without it
// has none recorded.
var bucketRoots = []byte("roots")

var _ registry.RootFloorIndex = (*Index)(nil)

// RootFloor implements registry.RootFloorIndex.
func (c *Index) RootFloor(ctx context.Context, name string) (registry.RootFloor, error) {
	if err := ctx.Err(); err != nil {
		return registry.RootFloor{}, err
	}
	var rf registry.RootFloor
	err := c.view(func(tx *bbolt.Tx) error {
		var err error
		rf, err = readRootFloor(tx, name)
		return err
	})
	if err != nil {
		return registry.RootFloor{}, fmt.Errorf("read root floor %s: %w", name, err)
	}
	return rf, nil
}

// SwapHeadRoot implements registry.RootFloorIndex: SwapHead, and the root
// floor moved to rf in the same transaction.
func (c *Index) SwapHeadRoot(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor) error {
	return c.swapHead(ctx, prevSeq, h, &rf, nil)
}

// readRootFloor returns the root floor of name (zero when none is stored).
func readRootFloor(tx *bbolt.Tx, name string) (registry.RootFloor, error) {
	b := tx.Bucket(bucketRoots)
	if b == nil || name == "" {
		return registry.RootFloor{}, nil
	}
	v := b.Get([]byte(name))
	if v == nil {
		return registry.RootFloor{}, nil
	}
	return decodeRootFloor(v)
}

// putRootFloor raises the root floor of name to rf (registry.CheckRootFloor).
func putRootFloor(tx *bbolt.Tx, name string, rf registry.RootFloor) error {
	old, err := readRootFloor(tx, name)
	if err != nil {
		return err
	}
	if err := registry.CheckRootFloor(old, rf); err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketRoots)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketRoots, err)
	}
	if err := b.Put([]byte(name), encodeRootFloor(rf)); err != nil {
		return fmt.Errorf("write root floor: %w", err)
	}
	return nil
}

func encodeRootFloor(rf registry.RootFloor) []byte {
	return append(binary.BigEndian.AppendUint64(nil, rf.Version), rf.Root.Bytes()...)
}

func decodeRootFloor(v []byte) (registry.RootFloor, error) {
	if len(v) <= 8 {
		return registry.RootFloor{}, corrupt("root floor: %d bytes", len(v))
	}
	c, err := decodeCid(v[8:])
	if err != nil {
		return registry.RootFloor{}, fmt.Errorf("decode root floor: %w", err)
	}
	rf := registry.RootFloor{Root: c, Version: binary.BigEndian.Uint64(v)}
	if rf.Version == 0 {
		return registry.RootFloor{}, corrupt("root floor: version 0")
	}
	return rf, nil
}

var _ registry.RootFloorIndex = (*Transient)(nil)

// RootFloor implements registry.RootFloorIndex.
func (t *Transient) RootFloor(ctx context.Context, name string) (rf registry.RootFloor, err error) {
	_, err = t.read(func(c *Index) error { rf, err = c.RootFloor(ctx, name); return err })
	return rf, err
}

// SwapHeadRoot implements registry.RootFloorIndex.
func (t *Transient) SwapHeadRoot(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor) error {
	return t.with(func(c *Index) error { return c.SwapHeadRoot(ctx, prevSeq, h, rf) })
}
