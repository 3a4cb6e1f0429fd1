package bolt

import (
	"context"
	"fmt"

	bbolt "go.etcd.io/bbolt"
)

// bucketReplicas holds, per registry and replica ("<name>/<replica>"),
// the opaque state its replicator keeps (follow.ReplicaState, JSON).
// Created on first use.
var bucketReplicas = []byte("replicas")

// ReplicaState returns the stored state of replica of name; nil if none.
func (c *Index) ReplicaState(ctx context.Context, name, replica string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var v []byte
	err := c.db.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(bucketReplicas); b != nil {
			if got := b.Get([]byte(name + "/" + replica)); got != nil {
				v = append([]byte(nil), got...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read replica state %s %s: %w", name, replica, err)
	}
	return v, nil
}

// PutReplicaState stores the state of replica of name; nil deletes it.
func (c *Index) PutReplicaState(ctx context.Context, name, replica string, v []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("store replica state %s %s: %w", name, replica, ErrReadOnly)
	}
	err := c.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketReplicas)
		if err != nil {
			return err
		}
		if v == nil {
			return b.Delete([]byte(name + "/" + replica))
		}
		return b.Put([]byte(name+"/"+replica), v)
	})
	if err != nil {
		return fmt.Errorf("store replica state %s %s: %w", name, replica, err)
	}
	return nil
}

// ReplicaState is Index.ReplicaState, opening the file for the call.
func (t *Transient) ReplicaState(ctx context.Context, name, replica string) (v []byte, err error) {
	_, err = t.read(func(c *Index) error { v, err = c.ReplicaState(ctx, name, replica); return err })
	return v, err
}

// PutReplicaState is Index.PutReplicaState, opening the file for the call.
func (t *Transient) PutReplicaState(ctx context.Context, name, replica string, v []byte) error {
	return t.with(func(c *Index) error { return c.PutReplicaState(ctx, name, replica, v) })
}
