package bolt

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// bucketChecked maps a followed registry's name to when its upstreams
// last gave a valid answer for it: 8 bytes, Unix nanoseconds, big-endian.
// The bucket is created on first use, so older index files stay readable.
var bucketChecked = []byte("checked")

// Checked returns when MarkChecked was last called for name; the zero
// time when never.
func (c *Index) Checked(ctx context.Context, name string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	var t time.Time
	err := c.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketChecked)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(name))
		if v == nil {
			return nil
		}
		if len(v) != 8 {
			return corrupt("checked time of %s: %d bytes", name, len(v))
		}
		t = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		return nil
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("read checked time %s: %w", name, err)
	}
	return t, nil
}

// MarkChecked records t as when the upstreams of name last gave a valid
// answer. A later call with an earlier t is ignored.
func (c *Index) MarkChecked(ctx context.Context, name string, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("mark %s checked: %w", name, ErrReadOnly)
	}
	err := c.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketChecked)
		if err != nil {
			return err
		}
		if v := b.Get([]byte(name)); len(v) == 8 && int64(binary.BigEndian.Uint64(v)) >= t.UnixNano() {
			return nil
		}
		return b.Put([]byte(name), binary.BigEndian.AppendUint64(nil, uint64(t.UnixNano())))
	})
	if err != nil {
		return fmt.Errorf("mark %s checked: %w", name, err)
	}
	return nil
}

// Checked implements Index.Checked, opening the file for the call.
func (t *Transient) Checked(ctx context.Context, name string) (at time.Time, err error) {
	_, err = t.read(func(c *Index) error { at, err = c.Checked(ctx, name); return err })
	return at, err
}

// MarkChecked implements Index.MarkChecked, opening the file for the call.
func (t *Transient) MarkChecked(ctx context.Context, name string, at time.Time) error {
	return t.with(func(c *Index) error { return c.MarkChecked(ctx, name, at) })
}
