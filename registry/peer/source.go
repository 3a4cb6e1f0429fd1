package peer

import (
	"context"
	"errors"
	"fmt"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// The peer is a registry.Source: a follower reads records from the DHT
// and blocks over bitswap through it, and its registry.Fetcher checks
// them as it checks an HTTP upstream's answers.
var _ registry.Source = (*Peer)(nil)

// tablePoll is how often Record and Block look at the routing table
// while it is empty.
const tablePoll = 10 * time.Millisecond

// String names the peer as a source: "p2p".
func (p *Peer) String() string { return "p2p" }

// Record returns the IPNS record the DHT holds for the registry name
// (k51…), the best of those the peers gave by boxo's IPNS validator
// (valid signature and end of life, highest sequence), within
// Config.FetchTimeout. It first waits for Run to have dialled the
// bootstrap peers and for a peer in the routing table. It wraps
// registry.ErrRecordNotFound when the DHT has no record and
// registry.ErrUnreachable when it could not be asked. The caller
// verifies the record again (registry.Fetcher does).
func (p *Peer) Record(ctx context.Context, name string) ([]byte, error) {
	n, err := ipnsrec.NameFromString(name)
	if err != nil {
		return nil, fmt.Errorf("record of %s: %w", name, err)
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.FetchTimeout)
	defer cancel()
	if err := p.joined(ctx); err != nil {
		return nil, fmt.Errorf("record of %s: %w", name, err)
	}
	raw, err := p.dht.GetValue(ctx, string(n.RoutingKey()))
	switch {
	case err == nil:
		return raw, nil
	case errors.Is(err, routing.ErrNotFound):
		return nil, fmt.Errorf("record of %s: %w in the DHT", name, registry.ErrRecordNotFound)
	}
	return nil, fmt.Errorf("record of %s: %w: %w", name, registry.ErrUnreachable, err)
}

// Block returns block c from the peers over bitswap (finding providers
// through the DHT), within Config.FetchTimeout, at most MaxBlockSize
// bytes and only when its bytes hash to c: boxo's bitswap computes a
// received block's CID from its bytes, and Block checks again. It wraps
// registry.ErrBlockNotFound when no peer gave it in time,
// manifest.ErrCIDMismatch for bytes that are not c's, and
// registry.ErrUnreachable when no peer can be asked.
func (p *Peer) Block(ctx context.Context, c cid.Cid) ([]byte, error) {
	fctx, cancel := context.WithTimeout(ctx, p.cfg.FetchTimeout)
	defer cancel()
	if err := p.joined(fctx); err != nil {
		return nil, fmt.Errorf("block %s: %w", c, err)
	}
	b, err := p.blk.GetBlock(fctx, c)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case fctx.Err() != nil:
		return nil, fmt.Errorf("block %s: %w: no peer gave it within %s", c, registry.ErrBlockNotFound, p.cfg.FetchTimeout)
	default:
		return nil, fmt.Errorf("block %s: %w: %w", c, registry.ErrUnreachable, err)
	}
	data := b.RawData()
	if len(data) > MaxBlockSize {
		return nil, fmt.Errorf("block %s: %d bytes, more than %d", c, len(data), MaxBlockSize)
	}
	if err := manifest.CheckBlock(c, data); err != nil {
		return nil, fmt.Errorf("block over bitswap: %w", err)
	}
	p.fetched.Add(1)
	return data, nil
}

// joined waits until Run has dialled the bootstrap peers and the DHT
// knows a peer, or ctx ends (wrapping registry.ErrUnreachable).
func (p *Peer) joined(ctx context.Context) error {
	select {
	case <-p.ready:
	case <-ctx.Done():
		return fmt.Errorf("%w: the peer has not joined the network", registry.ErrUnreachable)
	}
	if p.dht == nil {
		return nil
	}
	t := time.NewTicker(tablePoll)
	defer t.Stop()
	for p.dht.WAN.RoutingTable().Size()+p.dht.LAN.RoutingTable().Size() == 0 {
		select {
		case <-t.C:
		case <-ctx.Done():
			return fmt.Errorf("%w: no peer in the DHT's routing table", registry.ErrUnreachable)
		}
	}
	return nil
}
