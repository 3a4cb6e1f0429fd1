package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/svcreg/svcreg/registry"
	bbolt "go.etcd.io/bbolt"
)

// bucketSigning maps a registry's name to the validity its current
// sequence was first signed with: seq, lifetime, TTL (8 bytes each,
// big-endian; durations in nanoseconds). Created on first use.
var bucketSigning = []byte("signing")

var _ registry.RecordRefresher = (*Index)(nil)

// RefreshRecord implements registry.RecordRefresher: it replaces the
// record of h.Name's head by h.Record when the stored head still has h's
// sequence and root and the record old. It wraps registry.ErrHeadMoved
// otherwise. Nothing else about the head changes; the floor and the
// cached resolutions stay.
func (c *Index) RefreshRecord(ctx context.Context, old []byte, h registry.Head) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("refresh record %s: %w", h.Name, ErrReadOnly)
	}
	err := c.db.Update(func(tx *bbolt.Tx) error {
		cur, err := readHead(tx, h.Name)
		if err != nil {
			return err
		}
		if cur.Seq != h.Seq || !cur.Root.Equals(h.Root) || !bytes.Equal(cur.Record, old) {
			return fmt.Errorf("%w: stored seq %d %s", registry.ErrHeadMoved, cur.Seq, cur.Root)
		}
		return tx.Bucket(bucketHeads).Put([]byte(h.Name), encodeHead(h))
	})
	if err != nil {
		return fmt.Errorf("refresh record %s seq %d: %w", h.Name, h.Seq, err)
	}
	return nil
}

// Signing returns the lifetime and TTL that seq of name was first signed
// with, as stored by SetSigning; ok is false when none is stored for seq.
func (c *Index) Signing(ctx context.Context, name string, seq uint64) (lifetime, ttl time.Duration, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, false, err
	}
	err = c.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketSigning)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(name))
		if v == nil {
			return nil
		}
		if len(v) != 24 {
			return corrupt("signing of %s: %d bytes", name, len(v))
		}
		if binary.BigEndian.Uint64(v) != seq {
			return nil
		}
		lifetime = time.Duration(binary.BigEndian.Uint64(v[8:]))
		ttl = time.Duration(binary.BigEndian.Uint64(v[16:]))
		ok = true
		return nil
	})
	if err != nil {
		return 0, 0, false, fmt.Errorf("read signing of %s: %w", name, err)
	}
	return lifetime, ttl, ok, nil
}

// SetSigning stores the lifetime and TTL that seq of name was signed with.
func (c *Index) SetSigning(ctx context.Context, name string, seq uint64, lifetime, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("store signing of %s: %w", name, ErrReadOnly)
	}
	v := binary.BigEndian.AppendUint64(nil, seq)
	v = binary.BigEndian.AppendUint64(v, uint64(lifetime))
	v = binary.BigEndian.AppendUint64(v, uint64(ttl))
	err := c.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSigning)
		if err != nil {
			return err
		}
		return b.Put([]byte(name), v)
	})
	if err != nil {
		return fmt.Errorf("store signing of %s: %w", name, err)
	}
	return nil
}

// RefreshRecord implements registry.RecordRefresher, opening the file for
// the call.
func (t *Transient) RefreshRecord(ctx context.Context, old []byte, h registry.Head) error {
	return t.with(func(c *Index) error { return c.RefreshRecord(ctx, old, h) })
}

// Signing is Index.Signing, opening the file for the call.
func (t *Transient) Signing(ctx context.Context, name string, seq uint64) (lifetime, ttl time.Duration, ok bool, err error) {
	_, err = t.read(func(c *Index) error { lifetime, ttl, ok, err = c.Signing(ctx, name, seq); return err })
	return lifetime, ttl, ok, err
}

// SetSigning is Index.SetSigning, opening the file for the call.
func (t *Transient) SetSigning(ctx context.Context, name string, seq uint64, lifetime, ttl time.Duration) error {
	return t.with(func(c *Index) error { return c.SetSigning(ctx, name, seq, lifetime, ttl) })
}
