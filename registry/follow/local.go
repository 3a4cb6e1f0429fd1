package follow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/ipld/go-ipld-prime/traversal"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/car"
)

// Upstreams is where MakeLocal fetches what the local store lacks. A
// *Follower fetches a whole DAG as one CAR first (Follower.FetchDAG),
// then block by block; a *registry.Fetcher block by block.
type Upstreams interface {
	// Online reports whether there is an upstream to ask.
	Online() bool
	// Unasked returns why nothing is fetched when not Online.
	Unasked() error
	// Blocks returns a block store that fetches, verifies and keeps
	// what the local store lacks or holds damaged.
	Blocks() registry.Blocks
}

// dagFetcher is an Upstreams that fetches a whole DAG at once.
type dagFetcher interface {
	FetchDAG(ctx context.Context, root cid.Cid, progress func(blocks int, bytes int64)) ([]registry.SourceError, error)
}

var (
	_ Upstreams  = (*Follower)(nil)
	_ Upstreams  = (*registry.Fetcher)(nil)
	_ dagFetcher = (*Follower)(nil)
)

// LocalOptions configure MakeLocal; the zero value checks the local
// store only.
type LocalOptions struct {
	// From is where missing or damaged blocks are fetched from; nil:
	// nowhere.
	From Upstreams
	// Skip names links not to follow: neither read nor fetched (a history
	// left out on purpose, blocks known to be sound). Nil follows every
	// link. With Skip, blocks are fetched one by one, never as a whole
	// DAG, which would bring what Skip leaves out.
	Skip func(cid.Cid) bool
	// Progress, when not nil, is called as a whole-DAG fetch delivers
	// blocks, with the totals.
	Progress func(blocks int, bytes int64)
}

// Local says what MakeLocal did.
type Local struct {
	Blocks   int                    // blocks of the DAG, each stored here and verified
	Fetched  bool                   // the upstreams were asked
	Problems []registry.SourceError // upstreams that failed before one delivered
}

// MakeLocal makes the DAG under root complete in local, and checks that
// it is, by one rule: every block the DAG reaches (DAG-CBOR, dag-pb and
// raw alike, links for which opt.Skip returns true left out) is read from
// the local store and hashes to its CID (Walk). When that walk finds a
// block missing or damaged (a damaged one is moved into quarantine by the
// store that finds it, registry/flatfs) and opt.From is Online, it
// fetches: the whole DAG as one CAR when From can (Follower.FetchDAG) and
// nothing is skipped, then whatever is still missing or damaged block by
// block, every block verified before it is kept, and walks again.
//
// Errors: the walk's, "check ROOT: block C: …", wrapping
// registry.ErrBlockNotFound or registry.ErrCorruptBlock. When From is
// given but not Online, a missing block's error wraps From.Unasked()
// (registry.ErrNoGateway or registry.ErrOffline) too. When a whole-DAG
// fetch fails, the error wraps its error (registry.ErrUnavailable, say)
// and the walk's.
func MakeLocal(ctx context.Context, local registry.Blocks, root cid.Cid, opt LocalOptions) (Local, error) {
	n, err := complete(ctx, local, root, opt.Skip)
	if err == nil || !isAny(err, registry.ErrBlockNotFound, registry.ErrCorruptBlock) || ctx.Err() != nil {
		return Local{Blocks: n}, err
	}
	if opt.From == nil || !opt.From.Online() {
		if opt.From != nil && !errors.Is(err, registry.ErrCorruptBlock) {
			err = fmt.Errorf("%w: content %s: %w", opt.From.Unasked(), root, err)
		}
		return Local{}, err
	}
	res := Local{Fetched: true}
	if d, ok := opt.From.(dagFetcher); ok && opt.Skip == nil {
		var ferr error
		if res.Problems, ferr = d.FetchDAG(ctx, root, opt.Progress); ferr != nil {
			return res, fmt.Errorf("%w (fetching it: %w)", err, ferr)
		}
	}
	res.Blocks, err = complete(ctx, opt.From.Blocks(), root, opt.Skip)
	return res, err
}

// complete walks the DAG under root in blocks and returns how many
// blocks it read, or the first that could not be read.
func complete(ctx context.Context, blocks registry.Blocks, root cid.Cid, skip func(cid.Cid) bool) (int, error) {
	n := 0
	err := Walk(ctx, blocks, root, skip, func(_ cid.Cid, err error) error {
		if err != nil {
			return fmt.Errorf("check %s: %w", root, err)
		}
		n++
		return nil
	})
	return n, err
}

// Walk visits every block of the DAG under root once, whatever its codec
// (a registry's DAG-CBOR blocks, a release's dag-pb and raw blocks),
// reading each from blocks, which checks that it hashes to its CID
// (registry.Blocks: registry/flatfs hashes a block file's version once). visit
// gets each block's CID and nil, or why it could not be read (wrapping
// registry.ErrBlockNotFound or registry.ErrCorruptBlock, naming the
// block); the walk does not go below a block it could not read. Links
// for which skip returns true (not the root) are neither read nor
// visited. When visit returns an error the walk stops with it; a block
// that is whole but does not decode stops it too.
//
// It is the one completeness rule: MakeLocal checks with it, and fsck and
// gc (registry/maint) mark with it what a head reaches.
func Walk(ctx context.Context, blocks registry.Blocks, root cid.Cid, skip func(cid.Cid) bool, visit func(cid.Cid, error) error) error {
	v := &visiting{Blocks: blocks, visit: visit}
	follow := func(c cid.Cid) bool { return skip == nil || !skip(c) }
	_, err := car.Reachable(ctx, v, root, follow)
	if v.stop != nil {
		return v.stop
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// visiting is the block store Walk reads through: it verifies each block,
// passes it to visit, and skips (traversal.SkipMe) a block it could not
// read, so the walk goes on beside it.
type visiting struct {
	registry.Blocks
	visit func(cid.Cid, error) error
	stop  error // what visit returned, which ends the walk
}

func (v *visiting) Get(ctx context.Context, c cid.Cid) ([]byte, error) {
	if v.stop != nil {
		return nil, v.stop
	}
	data, err := v.Blocks.Get(ctx, c) // verified: registry.Blocks' contract
	if err != nil && ctx.Err() == nil {
		if ipld.IsNotFound(err) && !errors.Is(err, registry.ErrBlockNotFound) {
			err = fmt.Errorf("%w: %w", registry.ErrBlockNotFound, err) // gone into quarantine, say
		}
		if !strings.HasPrefix(err.Error(), "block "+c.String()) {
			err = fmt.Errorf("block %s: %w", c, err)
		}
		if v.stop = v.visit(c, err); v.stop != nil {
			return nil, v.stop
		}
		return nil, traversal.SkipMe{}
	}
	if err != nil {
		return nil, err
	}
	if v.stop = v.visit(c, nil); v.stop != nil {
		return nil, v.stop
	}
	return data, nil
}
