package bolt

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
	bbolt "go.etcd.io/bbolt"

	"github.com/svcreg/svcreg/registry"
)

// Snapshot is an index of one registry held in memory: what the index
// file holds for it, read once (LoadSnapshot, one read-only open), and
// what was changed since, written back by Commit (one open, only when
// something changed). A process that waits on the network between index
// operations (a client following a registry) works on a Snapshot, so the
// file is never locked while a request is under way, and is opened at
// most twice whatever the number of operations.
//
// A Snapshot answers for its registry only; other names have no head.
// It is safe for concurrent use.
type Snapshot struct {
	name string

	mu       sync.Mutex
	head     registry.Head // Seq 0: none
	base     registry.Head // the head as read
	floor    uint64
	root     registry.RootFloor
	checked  time.Time
	signing  []byte // the stored value (seq, lifetime, ttl), or nil
	res      map[string]registry.Resolution
	replicas map[string][]byte

	// what changed since LoadSnapshot
	headMoved, recordRefreshed, checkedSet, signingSet bool
	rootMoved                                          bool     // with headMoved
	newRes                                             []string // keys of res to write
	newReplicas                                        map[string]bool
	newEquiv                                           []registry.Equivocation
}

var _ registry.Index = (*Snapshot)(nil)
var _ registry.RecordRefresher = (*Snapshot)(nil)
var _ registry.RootFloorIndex = (*Snapshot)(nil)

// LoadSnapshot reads what the index file at path holds for the registry
// name, opening the file once, read-only (opts.ReadOnly is implied). A
// missing or empty file is an empty index (unless it was lost: CheckLost).
func LoadSnapshot(ctx context.Context, path, name string, opts *Options) (*Snapshot, error) {
	s := &Snapshot{name: name, res: map[string]registry.Resolution{}, replicas: map[string][]byte{}, newReplicas: map[string]bool{}}
	switch fi, err := os.Lstat(path); {
	case errors.Is(err, fs.ErrNotExist):
		return s, CheckLost(path)
	case err == nil && fi.Size() == 0:
		// A file no writer has initialised (a crash in its first write):
		// empty, unless head files say it held heads (checkFile).
		if err := checkFileOnce(path); err != nil {
			return nil, err
		}
		return s, nil
	}
	o := Options{}
	if opts != nil {
		o = *opts
	}
	o.ReadOnly = true
	c, err := Open(path, &o)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.view(s.load); err != nil {
		return nil, fmt.Errorf("read index %s: %w", path, err)
	}
	return s, nil
}

// load reads the snapshot's registry from tx.
func (s *Snapshot) load(tx *bbolt.Tx) error {
	h, err := readHead(tx, s.name)
	switch {
	case err == nil:
		s.head, s.base = h, h
	case !errors.Is(err, registry.ErrNoHead):
		return err
	}
	if s.floor, err = readFloor(tx, s.name); err != nil {
		return err
	}
	if s.root, err = readRootFloor(tx, s.name); err != nil {
		return err
	}
	key := []byte(s.name)
	if b := tx.Bucket(bucketChecked); b != nil {
		if v := b.Get(key); len(v) == 8 {
			s.checked = time.Unix(0, int64(binary.BigEndian.Uint64(v)))
		} else if v != nil {
			return corrupt("checked time of %s: %d bytes", s.name, len(v))
		}
	}
	if b := tx.Bucket(bucketSigning); b != nil {
		s.signing = bytes.Clone(b.Get(key))
	}
	if b := tx.Bucket(bucketReplicas); b != nil {
		prefix := []byte(s.name + "/")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			s.replicas[string(k[len(prefix):])] = bytes.Clone(v)
		}
	}
	if b := resolutionBucket(tx, s.name); b != nil && s.head.Seq != 0 {
		prefix := resolutionKey(s.head.Root, "")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if r, err := decodeResolution(s.name, k, v); err == nil {
				s.res[string(k)] = r // an unchecked or damaged answer is a miss
			}
		}
	}
	return nil
}

// Changed reports whether anything was written to s since it was loaded.
func (s *Snapshot) Changed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.headMoved || s.recordRefreshed || s.checkedSet || s.signingSet || len(s.newRes) > 0 || len(s.newReplicas) > 0 || len(s.newEquiv) > 0
}

// own fails for a name other than the snapshot's.
func (s *Snapshot) own(name string) error {
	if name != s.name {
		return fmt.Errorf("index snapshot of %s: %w", s.name, registry.ErrNoHead)
	}
	return nil
}

// Head implements registry.Index.
func (s *Snapshot) Head(ctx context.Context, name string) (registry.Head, error) {
	if err := ctx.Err(); err != nil {
		return registry.Head{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name || s.head.Seq == 0 {
		return registry.Head{}, fmt.Errorf("read head %s: %w", name, registry.ErrNoHead)
	}
	return s.head, nil
}

// SwapHead implements registry.Index.
func (s *Snapshot) SwapHead(ctx context.Context, prevSeq uint64, h registry.Head) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.own(h.Name); err != nil {
		return err
	}
	if !h.Root.Defined() || h.Seq == 0 {
		return fmt.Errorf("swap head %s: %w", h.Name, ErrInvalidHead)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.head.Seq != prevSeq {
		return fmt.Errorf("swap head %s: %w: stored seq %d, expected %d", h.Name, registry.ErrHeadMoved, s.head.Seq, prevSeq)
	}
	if h.Seq <= s.floor {
		return fmt.Errorf("swap head %s: %w: seq %d, floor %d", h.Name, registry.ErrRollback, h.Seq, s.floor)
	}
	s.head, s.floor, s.headMoved, s.recordRefreshed = h, h.Seq, true, false
	s.res, s.newRes = map[string]registry.Resolution{}, nil
	return nil
}

// SwapHeadRoot implements registry.RootFloorIndex.
func (s *Snapshot) SwapHeadRoot(ctx context.Context, prevSeq uint64, h registry.Head, rf registry.RootFloor) error {
	s.mu.Lock()
	err := registry.CheckRootFloor(s.root, rf)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("swap head %s: %w", h.Name, err)
	}
	if err := s.SwapHead(ctx, prevSeq, h); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.root, s.rootMoved = rf, true
	return nil
}

// RootFloor implements registry.RootFloorIndex.
func (s *Snapshot) RootFloor(ctx context.Context, name string) (registry.RootFloor, error) {
	if err := ctx.Err(); err != nil {
		return registry.RootFloor{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name {
		return registry.RootFloor{}, nil
	}
	return s.root, nil
}

// Floor implements registry.Index.
func (s *Snapshot) Floor(ctx context.Context, name string) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name {
		return 0, nil
	}
	return s.floor, nil
}

// Resolution implements registry.Index.
func (s *Snapshot) Resolution(ctx context.Context, name string, root cid.Cid, query string) (registry.Resolution, bool, error) {
	if err := ctx.Err(); err != nil {
		return registry.Resolution{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name {
		return registry.Resolution{}, false, nil
	}
	r, ok := s.res[string(resolutionKey(root, query))]
	return r, ok, nil
}

// PutResolution implements registry.Index.
func (s *Snapshot) PutResolution(ctx context.Context, name string, root cid.Cid, query string, r registry.Resolution) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name || s.head.Seq == 0 || !s.head.Root.Equals(root) {
		return nil
	}
	k := string(resolutionKey(root, query))
	s.res[k] = r
	s.newRes = append(s.newRes, k)
	return nil
}

// RefreshRecord implements registry.RecordRefresher.
func (s *Snapshot) RefreshRecord(ctx context.Context, old []byte, h registry.Head) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.head
	if h.Name != s.name || cur.Seq != h.Seq || !cur.Root.Equals(h.Root) || !bytes.Equal(cur.Record, old) {
		return fmt.Errorf("refresh record %s: %w: stored seq %d %s", h.Name, registry.ErrHeadMoved, cur.Seq, cur.Root)
	}
	s.head.Record = h.Record
	s.recordRefreshed = !s.headMoved
	return nil
}

// Checked implements follow.Index.
func (s *Snapshot) Checked(ctx context.Context, name string) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name {
		return time.Time{}, nil
	}
	return s.checked, nil
}

// MarkChecked implements follow.Index. A later call with an earlier t is
// ignored.
func (s *Snapshot) MarkChecked(ctx context.Context, name string, t time.Time) error {
	if err := s.own(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.After(s.checked) {
		s.checked, s.checkedSet = t, true
	}
	return ctx.Err()
}

// Signing implements follow.Index.
func (s *Snapshot) Signing(ctx context.Context, name string, seq uint64) (lifetime, ttl time.Duration, ok bool, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.signing
	if name != s.name || v == nil {
		return 0, 0, false, nil
	}
	if len(v) != 24 {
		return 0, 0, false, fmt.Errorf("read signing of %s: %w", name, corrupt("%d bytes", len(v)))
	}
	if binary.BigEndian.Uint64(v) != seq {
		return 0, 0, false, nil
	}
	return time.Duration(binary.BigEndian.Uint64(v[8:])), time.Duration(binary.BigEndian.Uint64(v[16:])), true, nil
}

// SetSigning implements follow.Index.
func (s *Snapshot) SetSigning(ctx context.Context, name string, seq uint64, lifetime, ttl time.Duration) error {
	if err := s.own(name); err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(nil, seq)
	v = binary.BigEndian.AppendUint64(v, uint64(lifetime))
	v = binary.BigEndian.AppendUint64(v, uint64(ttl))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.signing, s.signingSet = v, true
	return ctx.Err()
}

// ReplicaState implements follow.Index.
func (s *Snapshot) ReplicaState(ctx context.Context, name, replica string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if name != s.name {
		return nil, nil
	}
	return bytes.Clone(s.replicas[replica]), nil
}

// PutReplicaState implements follow.Index.
func (s *Snapshot) PutReplicaState(ctx context.Context, name, replica string, v []byte) error {
	if err := s.own(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v == nil {
		delete(s.replicas, replica)
	} else {
		s.replicas[replica] = bytes.Clone(v)
	}
	s.newReplicas[replica] = true
	return ctx.Err()
}

// Close does nothing: a Snapshot holds no file.
func (s *Snapshot) Close() error { return nil }

// Commit writes what changed in s to the index file at path, opening it
// once (and creating it, and its directory, when missing); it does
// nothing when nothing changed. A head another process has moved in the
// meantime wins when its sequence is at least s's (s's verified head is
// stored otherwise), and answers cached for a root that is no longer the
// head are not stored.
func (s *Snapshot) Commit(ctx context.Context, path string, opts *Options) error {
	if !s.Changed() {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("open index %s: %w", path, err)
	}
	c, err := Open(path, opts)
	if err != nil {
		return err
	}
	err = s.write(ctx, c)
	if cerr := c.Close(); err == nil {
		err = cerr
	}
	return err
}

// write applies s's changes to c.
func (s *Snapshot) write(ctx context.Context, c *Index) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	switch {
	case s.headMoved:
		errs = append(errs, s.writeHead(ctx, c))
	case s.recordRefreshed:
		if err := c.RefreshRecord(ctx, s.base.Record, s.head); err != nil && !errors.Is(err, registry.ErrHeadMoved) {
			errs = append(errs, err)
		}
	}
	if s.checkedSet {
		errs = append(errs, c.MarkChecked(ctx, s.name, s.checked))
	}
	if s.signingSet {
		v := s.signing
		errs = append(errs, c.SetSigning(ctx, s.name, binary.BigEndian.Uint64(v),
			time.Duration(binary.BigEndian.Uint64(v[8:])), time.Duration(binary.BigEndian.Uint64(v[16:]))))
	}
	for _, k := range s.newRes {
		root, query, err := splitResolutionKey([]byte(k))
		if err == nil {
			err = c.PutResolution(ctx, s.name, root, query, s.res[k])
		}
		errs = append(errs, err)
	}
	for r := range s.newReplicas {
		errs = append(errs, c.PutReplicaState(ctx, s.name, r, s.replicas[r]))
	}
	for _, e := range s.newEquiv {
		errs = append(errs, c.AddEquivocation(ctx, e))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	s.headMoved, s.recordRefreshed, s.checkedSet, s.signingSet, s.rootMoved = false, false, false, false, false
	s.newRes, s.newReplicas, s.newEquiv = nil, map[string]bool{}, nil
	return nil
}

// writeHead stores s's head unless the file's is as new.
func (s *Snapshot) writeHead(ctx context.Context, c *Index) error {
	var cur uint64
	switch h, err := c.Head(ctx, s.name); {
	case err == nil:
		cur = h.Seq
	case !errors.Is(err, registry.ErrNoHead):
		return err
	}
	if cur >= s.head.Seq {
		return nil
	}
	if s.rootMoved {
		return c.SwapHeadRoot(ctx, cur, s.head, s.root)
	}
	return c.SwapHead(ctx, cur, s.head)
}
