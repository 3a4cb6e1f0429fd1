package follow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"

	"github.com/svcreg/svcreg/registry"
)

// LocalStore is a local block store as the server reads it: registry
// blocks plus a boxo blockstore over the same blocks (registry/flatfs).
type LocalStore interface {
	registry.Blocks
	Blockstore() blockstore.Blockstore
}

// ReadThrough is a LocalStore that, on a miss, fetches the block from
// the upstreams of the followers (first verified answer wins, see
// registry.Fetcher), stores it and returns it, within the same call. It
// serves the followed registries' releases before they are mirrored
// (--mirror none is a pure read-through cache).
//
// It fetches only what the followed registries reach (see
// ReadThroughConfig.FetchAny): a block their heads' latest states reach
// (manifest, index, services, release roots), or a link of such a block
// read through it before (how a gateway reads a DAG, root first). Any
// other missing block is not found, as in kubo with Gateway.NoFetch.
//
// Upstream fetches are shared: concurrent reads of one missing block
// make one fetch, which is cancelled when every reader waiting for it
// has gone (a client that disconnects), and at most MaxFetches run at
// once; the others wait for their turn, or until their reader goes.
//
// A stored block that fails its hash check is healed the same way: the
// local store has moved it into quarantine, and a verified copy fetched
// from the upstreams replaces it.
type ReadThrough struct {
	local     LocalStore
	followers []*Follower
	scope     *scope // what may be fetched; nil: anything
	slots     chan struct{}
	mu        sync.Mutex
	calls     map[cid.Cid]*call
}

// ReadThroughConfig configures NewReadThrough; the zero value means the
// defaults.
type ReadThroughConfig struct {
	// FetchAny fetches any block an upstream has, not only what the
	// followed registries reach: the node is then an open cache.
	FetchAny bool
	// MaxFetches bounds the blocks fetched from the upstreams at once
	// (0: DefaultMaxFetches). Each fetch asks one upstream, and the next
	// ones too when it is slow (registry.FetcherConfig.Hedge).
	MaxFetches int
	// MaxLinks bounds the links remembered to decide what is reached
	// (0: DefaultMaxLinks).
	MaxLinks int
}

// call is one upstream fetch, shared by the readers waiting for it.
type call struct {
	done    chan struct{}
	cancel  context.CancelFunc
	waiters int
	data    []byte
	err     error
}

// NewReadThrough returns a ReadThrough over local for followers.
func NewReadThrough(local LocalStore, cfg ReadThroughConfig, followers ...*Follower) *ReadThrough {
	r := &ReadThrough{local: local, followers: followers, calls: map[cid.Cid]*call{},
		slots: make(chan struct{}, cmp.Or(cfg.MaxFetches, DefaultMaxFetches))}
	if !cfg.FetchAny {
		r.scope = newScope(followers, cmp.Or(cfg.MaxLinks, DefaultMaxLinks))
	}
	return r
}

// Get implements registry.Blocks.
func (r *ReadThrough) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	data, err := r.local.Get(ctx, c)
	switch {
	case err == nil:
		r.saw(c, data)
		return data, nil
	case !r.fetches(err):
		return nil, err
	case r.scope != nil && errors.Is(err, registry.ErrBlockNotFound):
		ok, werr := r.scope.reaches(ctx, c, r.get)
		if !ok {
			return nil, fmt.Errorf("read through %s: %w: %w", c, registry.ErrBlockNotFound, errors.Join(ErrNotReached, werr))
		}
	}
	return r.shared(ctx, c, err)
}

// get reads c from the local store or, failing that, the upstreams,
// whether or not a followed registry reaches it.
func (r *ReadThrough) get(ctx context.Context, c cid.Cid) ([]byte, error) {
	data, err := r.local.Get(ctx, c)
	if err == nil || !r.fetches(err) {
		return data, err
	}
	return r.shared(ctx, c, err)
}

// saw notes the links of c, read and verified, for the scope.
func (r *ReadThrough) saw(c cid.Cid, data []byte) {
	if r.scope != nil {
		r.scope.saw(c, data)
	}
}

// shared waits for the one fetch of c, starting it when none runs. When
// ctx ends before it is done and no other reader waits, it is cancelled.
func (r *ReadThrough) shared(ctx context.Context, c cid.Cid, local error) ([]byte, error) {
	r.mu.Lock()
	cl, ok := r.calls[c]
	if !ok {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cl = &call{done: make(chan struct{}), cancel: cancel}
		r.calls[c] = cl
		go r.fetch(fctx, c, local, cl)
	}
	cl.waiters++
	r.mu.Unlock()
	select {
	case <-cl.done:
		return cl.data, cl.err
	case <-ctx.Done():
		r.leave(c, cl)
		return nil, ctx.Err()
	}
}

// leave takes a reader off cl, cancelling it when it was the last one.
func (r *ReadThrough) leave(c cid.Cid, cl *call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cl.waiters--; cl.waiters == 0 {
		cl.cancel()
		if r.calls[c] == cl {
			delete(r.calls, c) // the next reader starts a new fetch
		}
	}
}

// fetches reports whether a local read that failed with err is answered
// from the upstreams: a damaged or missing block, unless no follower has
// upstreams.
func (r *ReadThrough) fetches(err error) bool {
	if !isAny(err, registry.ErrCorruptBlock, registry.ErrBlockNotFound) {
		return false
	}
	for _, f := range r.followers {
		if f.Online() {
			return true
		}
	}
	return false
}

// fetch asks each follower's upstreams in turn for c, which the local
// store failed to give with local, once a slot is free; the result is
// shared by every reader waiting for c.
func (r *ReadThrough) fetch(ctx context.Context, c cid.Cid, local error, cl *call) {
	defer func() {
		r.mu.Lock()
		if r.calls[c] == cl {
			delete(r.calls, c)
		}
		r.mu.Unlock()
		cl.cancel()
		close(cl.done)
	}()
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
	}
	if err := ctx.Err(); err != nil { // the readers went while it waited
		cl.err = err
		return
	}
	var errs []error
	for _, f := range r.followers {
		if !f.Online() {
			continue
		}
		data, err := f.Blocks().Get(ctx, c)
		if err == nil {
			r.saw(c, data)
			cl.data = data
			return
		}
		errs = append(errs, err)
	}
	if errors.Is(local, registry.ErrCorruptBlock) {
		cl.err = fmt.Errorf("%w; no upstream gave a good copy: %w", local, errors.Join(errs...))
		return
	}
	cl.err = fmt.Errorf("read through %s: %w: %w", c, registry.ErrBlockNotFound, errors.Join(errs...))
}

// Put implements registry.Blocks.
func (r *ReadThrough) Put(ctx context.Context, c cid.Cid, data []byte) error {
	return r.local.Put(ctx, c, data)
}

// Has implements registry.Blocks: the local store only.
func (r *ReadThrough) Has(ctx context.Context, c cid.Cid) (bool, error) { return r.local.Has(ctx, c) }

// Blockstore returns a boxo blockstore that reads through as Get does.
func (r *ReadThrough) Blockstore() blockstore.Blockstore {
	return readThroughBS{Blockstore: r.local.Blockstore(), r: r}
}

type readThroughBS struct {
	blockstore.Blockstore
	r *ReadThrough
}

func (b readThroughBS) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	blk, err := b.Blockstore.Get(ctx, c)
	if err == nil {
		b.r.saw(c, blk.RawData())
		return blk, nil
	}
	if !(ipld.IsNotFound(err) || errors.Is(err, registry.ErrCorruptBlock)) {
		return blk, err
	}
	data, err := b.r.Get(ctx, c)
	switch {
	case errors.Is(err, registry.ErrCorruptBlock):
		// still not found for boxo, with the damage named for the reader
		return nil, fmt.Errorf("%w: %w", ipld.ErrNotFound{Cid: c}, err)
	case err != nil:
		return nil, ipld.ErrNotFound{Cid: c}
	}
	return blocks.NewBlockWithCid(data, c)
}

func (b readThroughBS) GetSize(ctx context.Context, c cid.Cid) (int, error) {
	n, err := b.Blockstore.GetSize(ctx, c)
	if err == nil || !ipld.IsNotFound(err) {
		return n, err
	}
	blk, err := b.Get(ctx, c)
	if err != nil {
		return -1, err
	}
	return len(blk.RawData()), nil
}

func (b readThroughBS) Has(ctx context.Context, c cid.Cid) (bool, error) {
	ok, err := b.Blockstore.Has(ctx, c)
	if ok || err != nil {
		return ok, err
	}
	_, err = b.Get(ctx, c)
	return err == nil, nil
}
