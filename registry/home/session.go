package home

import (
	"context"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/target"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// Session is a home opened to read one registry: the registry, the blocks
// it reads, and for a registry followed through gateways its
// follow.Follower over a snapshot of the index, which Close writes back
// when the follower changed it (a new head, the time the gateways last
// answered). No index lock is held while a Session waits on the network.
// A Session of an opened Home alone (Session{Home: h}, no registry yet)
// is valid: its Close closes the Home.
type Session struct {
	*Home
	// Target is the registry read.
	Target target.Target
	// Registry reads (or, from Home.Signing, changes) it.
	Registry *registry.Registry
	// Follower follows it; nil when the home's own registry is read
	// locally.
	Follower *follow.Follower
	// Synced is what OpenTarget's sync did (ReadOptions.Sync).
	Synced follow.Sync
	snap   *bolt.Snapshot
}

// ReadOptions say which registry OpenTarget opens and how it follows it.
type ReadOptions struct {
	// Registry names it as a user wrote it (target.Resolver.Resolve): a
	// remote's name, an IPNS name, a domain with DNSLink, or "" for the
	// home's own registry, else the default remote, else the one
	// registry whose state the index holds.
	Registry string
	// Target is the DNSLink setting and the gateways that replace a
	// remote's; the home gives the rest (Resolver).
	Target target.Config
	// Follow configures the follower of a registry read from gateways.
	Follow FollowOptions
	// Follower makes a Session with a Follower even for the home's own
	// registry without gateways (push and republish work through one).
	Follower bool
	// Sync brings a followed registry's head up to date first
	// (follow.Follower.Sync); Refresh asks the gateways even when the
	// stored head is within its TTL.
	Sync, Refresh bool
}

// SyncError is returned by OpenTarget when the sync of a followed
// registry fails; it wraps the sync's error and says what the sync did.
type SyncError struct {
	Target target.Target
	Synced follow.Sync
	Err    error
}

func (e *SyncError) Error() string { return e.Err.Error() }
func (e *SyncError) Unwrap() error { return e.Err }

// OpenTarget opens the home dir and the registry ro names in it: the
// home's own registry read locally when nothing else is named, else the
// registry the home's Resolver names, followed through its gateways (or
// read from what the home holds, without them or offline) and, with
// ro.Sync, brought up to date. The index is opened once, read-only, and
// written back only when the sync changed what it holds for the
// registry. Errors are Resolver's (target's typed errors), Home.Follow's
// and, for the sync, a *SyncError.
func OpenTarget(ctx context.Context, dir string, opts *Options, ro ReadOptions) (*Session, error) {
	h, err := Open(dir, opts)
	if err != nil {
		return nil, err
	}
	s, err := h.OpenTarget(ctx, ro)
	if err != nil {
		h.Close()
		return nil, err
	}
	return s, nil
}

// OpenTarget is the package's OpenTarget on an opened home. On an error
// the home stays open; on success the Session's Close closes it.
func (h *Home) OpenTarget(ctx context.Context, ro ReadOptions) (*Session, error) {
	if ro.Registry == "" && len(ro.Target.Gateways) == 0 && !ro.Follower {
		// A registry of one's own, read locally: the common, fast path.
		if s, err := h.Local(); !errors.Is(err, ErrNoKey) {
			return s, err
		}
	}
	r, err := Resolver(h.dir, &h.opts, ro.Target)
	if err != nil {
		return nil, err
	}
	t, err := r.Resolve(ctx, ro.Registry)
	if err != nil {
		return nil, err
	}
	if t.Own && len(t.Gateways) == 0 && !ro.Follower {
		return h.Local()
	}
	s, err := h.Read(ctx, t, ro.Follow)
	if err != nil || !ro.Sync {
		return s, err
	}
	if s.Synced, err = s.Follower.Sync(ctx, ro.Refresh); err != nil {
		err = &SyncError{Target: t, Synced: s.Synced, Err: err}
		if cerr := s.commit(); cerr != nil {
			err = errors.Join(err, cerr)
		}
		s.snap = nil
		return nil, err
	}
	return s, nil
}

// Local returns a Session of the home's own registry, read locally
// (Registry): it needs the key (ErrNoKey).
func (h *Home) Local() (*Session, error) {
	reg, err := h.Registry()
	if err != nil {
		return nil, err
	}
	key, _ := h.Key() // loaded by Registry
	return &Session{Home: h, Target: target.Target{Name: key.RegistryName(), Own: true}, Registry: reg}, nil
}

// Own returns a Session of the home's own registry (its key is needed:
// ErrNoKey) through a Follower without gateways: for work on its records
// and replicas (republish, replica), which holds the index only per
// operation.
func (h *Home) Own(ctx context.Context, opts FollowOptions) (*Session, error) {
	key, err := h.Key()
	if err != nil {
		return nil, err
	}
	return h.Read(ctx, target.Target{Name: key.RegistryName(), Own: true}, opts)
}

// Read returns a Session of the registry t, followed through its
// gateways (Home.Follow) over a snapshot of the index that Close writes
// back. It does not sync.
func (h *Home) Read(ctx context.Context, t target.Target, opts FollowOptions) (*Session, error) {
	f, snap, err := h.Follow(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	return &Session{Home: h, Target: t, Registry: f.Registry(), Follower: f, snap: snap}, nil
}

// ReadIndex returns the index the registry is read from: the snapshot of
// a followed registry, else the home's index.
func (s *Session) ReadIndex() registry.Index {
	if s.snap != nil {
		return s.snap
	}
	return s.Home.Index()
}

// ReadBlocks returns the blocks the registry reads: the home's store, or
// for a followed registry the store backed by its gateways.
func (s *Session) ReadBlocks() registry.Blocks {
	if s.Follower != nil {
		return s.Follower.Blocks()
	}
	return s.blocks
}

// MakeLocal makes the DAG under root complete in the home's block store
// and checks that it is (follow.MakeLocal), fetching what is missing or
// damaged from the followed registry's gateways, calling progress (when
// not nil) as a whole-DAG fetch delivers blocks.
func (s *Session) MakeLocal(ctx context.Context, root cid.Cid, progress func(blocks int, bytes int64)) (follow.Local, error) {
	opt := follow.LocalOptions{Progress: progress}
	if s.Follower != nil {
		opt.From = s.Follower
	}
	return follow.MakeLocal(ctx, s.blocks, root, opt)
}

// ExportOptions configure Session.Export.
type ExportOptions struct {
	Limits unixfs.Limits
	// Fetched is called with the gateways that failed before one
	// delivered, once the content is local.
	Fetched func(follow.Local)
	// Fetching and Writing, when not nil, report the blocks fetched and
	// the files and bytes written.
	Fetching func(blocks int, bytes int64)
	Writing  unixfs.ExportProgress
}

// Export writes the UnixFS directory root, a release of size bytes of
// file content, to dst: a size beyond the limits is refused before
// anything is fetched, then the content is made local (MakeLocal), and
// unixfs.ExportSize checks the size and the expansion before it writes.
func (s *Session) Export(ctx context.Context, root cid.Cid, size uint64, dst string, opts ExportOptions) error {
	if err := opts.Limits.CheckSize(size); err != nil {
		return fmt.Errorf("get %s: %w", root, err)
	}
	res, err := s.MakeLocal(ctx, root, opts.Fetching)
	if opts.Fetched != nil {
		opts.Fetched(res)
	}
	if err != nil {
		return err
	}
	return unixfs.ExportSizeProgress(ctx, s.blocks.Blockstore(), root, dst, size, opts.Limits, opts.Writing)
}

// commit writes back what the follower changed in the snapshot.
func (s *Session) commit() error {
	if s.snap == nil {
		return nil
	}
	if err := s.Home.Commit(context.Background(), s.snap); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	return nil
}

// Close writes back a followed registry's index (commit) and closes the
// home: its index, the lease and the block store.
func (s *Session) Close() error {
	err := s.commit()
	s.snap = nil
	return errors.Join(err, s.Home.Close())
}
