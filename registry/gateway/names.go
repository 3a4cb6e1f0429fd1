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
	pb "github.com/libp2p/go-libp2p/core/crypto/pb"
	"github.com/libp2p/go-libp2p/core/routing"

	"github.com/svcreg/svcreg/registry/dnslink"
	"github.com/svcreg/svcreg/registry/ipns"
)

// parseName reads an IPNS name that comes in with a request (k51…, a
// 12D3KooW… peer ID or any other CID form of a key's name, in a path, a
// host, a DNSLink or a stored record's value): names are parsed there,
// once, and passed on typed. It wraps errUnsupportedName.
func parseName(s string) (ipnsrec.Name, error) {
	n, err := ipnsrec.NameFromString(s)
	if err != nil {
		return ipnsrec.Name{}, fmt.Errorf("%w: %q: %w", errUnsupportedName, s, err)
	}
	return n, nil
}

// checkRegistryName reports whether n can name a registry: the name
// inlines an ed25519 public key (registry/ipns's rule). Other names can
// only have records of names not followed. It wraps errUnsupportedName
// and ipns.ErrInvalidName.
func checkRegistryName(n ipnsrec.Name) error {
	pk, err := n.Peer().ExtractPublicKey()
	if err == nil && pk.Type() != pb.KeyType_Ed25519 {
		err = fmt.Errorf("%s key", pk.Type())
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %w: %w", errUnsupportedName, n, ipns.ErrInvalidName, err)
	}
	return nil
}

// liveHead returns the verified head of the registry name if its record
// is within its validity. Errors wrap errUnsupportedName, errExpired or
// those of heads.lookup.
func (s *Server) liveHead(ctx context.Context, name ipnsrec.Name) (verifiedHead, error) {
	if err := checkRegistryName(name); err != nil {
		return verifiedHead{}, err
	}
	vh, err := s.heads.lookup(ctx, name)
	if err != nil {
		return verifiedHead{}, err
	}
	if now := s.now(); !vh.live(now) {
		return verifiedHead{}, fmt.Errorf("%w: the record of %s (seq %d) ended %s; a newer record is needed",
			errExpired, name, vh.Seq, vh.Record.Validity.UTC().Format(time.RFC3339))
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
	name, err := parseName(segs[1])
	if err != nil {
		return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w", segs[1], err))
	}
	vh, err := n.s.liveHead(ctx, name)
	if n.s.useRecords(err) {
		return n.s.resolveOther(ctx, name, segs[2:])
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
	return errReadOnly
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
	if raw, _, ok := v.s.finalRecord(n); ok {
		return raw, nil
	}
	vh, err := v.s.liveHead(ctx, n)
	if v.s.useRecords(err) {
		raw, _, err := v.s.records.get(n)
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
	return errors.Join(routing.ErrNotSupported, errReadOnly)
}
