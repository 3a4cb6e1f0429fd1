package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry"
)

// bucketEquivocation keeps equivocation evidence (registry.Equivocation):
// key name | 0x00 | u64 seq | kept CID bytes, value the other CIDs, each
// as u16 length | CID bytes. It is created by the first evidence kept; a
// rebuilt index (fsck --repair) starts without it, and the damaged index
// kept aside still holds it.
var bucketEquivocation = []byte("equivocation")

var _ registry.EquivocationIndex = (*Index)(nil)

// AddEquivocation implements registry.EquivocationIndex.
func (c *Index) AddEquivocation(ctx context.Context, e registry.Equivocation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := append(binary.BigEndian.AppendUint64(append([]byte(e.Name), 0), e.Seq), e.Kept.Bytes()...)
	return c.update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketEquivocation)
		if err != nil {
			return fmt.Errorf("create bucket %s: %w", bucketEquivocation, err)
		}
		v := b.Get(key)
		others, err := decodeCids(v)
		if err != nil {
			return err
		}
		for _, o := range others {
			if bytes.Equal(o, e.Other.Bytes()) {
				return nil
			}
		}
		ob := e.Other.Bytes()
		next := binary.BigEndian.AppendUint16(bytes.Clone(v), uint16(len(ob)))
		return b.Put(key, append(next, ob...))
	})
}

// Equivocations implements registry.EquivocationIndex.
func (c *Index) Equivocations(ctx context.Context) ([]registry.Equivocation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []registry.Equivocation
	err := c.view(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketEquivocation)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 || len(k) < i+9 {
				return corrupt("equivocation key %q", k)
			}
			kept, err := decodeCid(k[i+9:])
			if err != nil {
				return err
			}
			others, err := decodeCids(v)
			if err != nil {
				return err
			}
			for _, o := range others {
				other, err := decodeCid(o)
				if err != nil {
					return err
				}
				out = append(out, registry.Equivocation{Name: string(k[:i]), Seq: binary.BigEndian.Uint64(k[i+1 : i+9]), Kept: kept, Other: other})
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read equivocations: %w", err)
	}
	return out, nil
}

// decodeCids splits v, u16 length-prefixed CIDs, into their bytes.
func decodeCids(v []byte) ([][]byte, error) {
	var out [][]byte
	for len(v) > 0 {
		if len(v) < 2 {
			return nil, corrupt("equivocation value: %d bytes left", len(v))
		}
		n := int(binary.BigEndian.Uint16(v))
		if len(v) < 2+n || n == 0 {
			return nil, corrupt("equivocation value: cid of %d bytes, %d left", n, len(v)-2)
		}
		out = append(out, v[2:2+n])
		v = v[2+n:]
	}
	return out, nil
}

var _ registry.EquivocationIndex = (*Transient)(nil)

// AddEquivocation implements registry.EquivocationIndex.
func (t *Transient) AddEquivocation(ctx context.Context, e registry.Equivocation) error {
	return t.with(func(c *Index) error { return c.AddEquivocation(ctx, e) })
}

// Equivocations implements registry.EquivocationIndex.
func (t *Transient) Equivocations(ctx context.Context) (out []registry.Equivocation, err error) {
	_, err = t.read(func(c *Index) error { out, err = c.Equivocations(ctx); return err })
	return out, err
}

var _ registry.EquivocationIndex = (*Snapshot)(nil)

// AddEquivocation implements registry.EquivocationIndex: the evidence is
// written by Commit.
func (s *Snapshot) AddEquivocation(ctx context.Context, e registry.Equivocation) error {
	if err := s.own(e.Name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.newEquiv = append(s.newEquiv, e)
	return nil
}

// Equivocations implements registry.EquivocationIndex: the evidence added
// to s since it was loaded (the file's is not read).
func (s *Snapshot) Equivocations(ctx context.Context) ([]registry.Equivocation, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]registry.Equivocation(nil), s.newEquiv...), nil
}
