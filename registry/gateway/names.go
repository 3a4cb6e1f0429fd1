package gateway

import (
	"context"
	"errors"
	"fmt"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/namesys"
	"github.com/ipfs/boxo/path"
	ic "github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
)

// liveHead returns the verified head of the IPNS name s (any accepted
// spelling) if its record is within its validity. Errors wrap
// ErrUnsupportedName, ErrExpired or those of heads.lookup.
func (s *Server) liveHead(ctx context.Context, name string) (verifiedHead, error) {
	canon, err := ipns.ParseName(name)
	if err != nil {
		return verifiedHead{}, fmt.Errorf("%w: %w", ErrUnsupportedName, err)
	}
	vh, err := s.heads.lookup(ctx, canon)
	if err != nil {
		return verifiedHead{}, err
	}
	if now := s.now(); !vh.live(now) {
		return verifiedHead{}, fmt.Errorf("%w: the record of %s (seq %d) ended %s; a newer record is needed",
			ErrExpired, canon, vh.Seq, vh.Record.Validity.UTC().Format(time.RFC3339))
	}
	return vh, nil
}

// nameSystem is a namesys.NameSystem that resolves /ipns/<name> through
// the records in the index, and DNSLink names through Config.DNSLink. It
// never publishes.
type nameSystem struct{ s *Server }

var _ namesys.NameSystem = nameSystem{}

// Resolve implements namesys.Resolver.
func (n nameSystem) Resolve(ctx context.Context, p path.Path, _ ...namesys.ResolveOption) (namesys.Result, error) {
	if !p.Mutable() {
		return namesys.Result{Path: p}, nil
	}
	segs := p.Segments()
	if n.s.dnslink != nil && dnslink.IsDomain(segs[1]) {
		return n.s.resolveDNSLink(ctx, segs[1], segs[2:])
	}
	vh, err := n.s.liveHead(ctx, segs[1])
	if n.s.useRecords(err) {
		return n.s.resolveOther(ctx, segs[1], segs[2:])
	}
	if err != nil {
		return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w", segs[1], err))
	}
	out, err := path.Join(path.FromCid(vh.Root), segs[2:]...)
	if err != nil {
		return namesys.Result{}, err
	}
	return namesys.Result{Path: out, TTL: vh.Record.TTL}, nil
}

// ResolveAsync implements namesys.Resolver with the single answer of Resolve.
func (n nameSystem) ResolveAsync(ctx context.Context, p path.Path, opts ...namesys.ResolveOption) <-chan namesys.AsyncResult {
	out := make(chan namesys.AsyncResult, 1)
	res, err := n.Resolve(ctx, p, opts...)
	out <- namesys.AsyncResult{Path: res.Path, TTL: res.TTL, LastMod: res.LastMod, Err: err}
	close(out)
	return out
}

// Publish implements namesys.Publisher: the gateway signs nothing.
func (nameSystem) Publish(context.Context, ic.PrivKey, path.Path, ...namesys.PublishOption) error {
	return ErrReadOnly
}

// valueStore is a routing.ValueStore over the index's records, for
// ?format=ipns-record. Only /ipns/ keys exist; it stores nothing.
type valueStore struct{ s *Server }

var _ routing.ValueStore = valueStore{}

// GetValue returns the live record stored for an /ipns/ routing key. It
// wraps routing.ErrNotFound when there is none.
func (v valueStore) GetValue(ctx context.Context, key string, _ ...routing.Option) ([]byte, error) {
	n, err := ipnsrec.NameFromRoutingKey([]byte(key))
	if err != nil {
		return nil, withStatus(fmt.Errorf("%w: %w", routing.ErrNotFound, err))
	}
	vh, err := v.s.liveHead(ctx, n.String())
	if v.s.useRecords(err) {
		raw, _, err := v.s.otherRecord(n.String())
		if err != nil {
			return nil, withStatus(fmt.Errorf("%w: %w", routing.ErrNotFound, err))
		}
		return raw, nil
	}
	if err != nil {
		return nil, withStatus(err)
	}
	return vh.Head.Record, nil
}

// SearchValue implements routing.ValueStore with the one stored record.
func (v valueStore) SearchValue(ctx context.Context, key string, _ ...routing.Option) (<-chan []byte, error) {
	rec, err := v.GetValue(ctx, key)
	if err != nil {
		return nil, err
	}
	out := make(chan []byte, 1)
	out <- rec
	close(out)
	return out, nil
}

// PutValue implements routing.ValueStore; records come in through
// PUT /routing/v1/ipns/ only.
func (valueStore) PutValue(context.Context, string, []byte, ...routing.Option) error {
	return errors.Join(routing.ErrNotSupported, ErrReadOnly)
}
