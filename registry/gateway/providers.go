package gateway

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/ipfs/boxo/routing/http/types"
	"github.com/ipfs/boxo/routing/http/types/iter"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/routing"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry/ipns"
)

// protocolGatewayHTTP is the delegated-routing protocol name of a trustless
// HTTP gateway provider (IPIP-337, IPIP-417).
const protocolGatewayHTTP = "transport-ipfs-gateway-http"

// Provider is how the server announces itself in delegated routing
// answers: its own peer ID (the node's identity, not a registry key) and
// the addresses at which clients reach its trustless gateway.
type Provider struct {
	ID    peer.ID
	Addrs []ma.Multiaddr
}

// NodeProvider returns how a server announces itself in delegated
// routing answers (Config.Provider): the node identity in keyFile (an
// ed25519 key of the node's own, not a registry key; it signs nothing),
// created on first use, at publicURL, else at the address the server
// listens on. An unspecified listen IP (every interface) is announced as
// loopback, since the reachable address is not known: publicURL tells
// it. A publicURL that is not an http(s) server's root wraps ErrPublicURL.
func NodeProvider(keyFile, publicURL string, listen net.Addr) (*Provider, error) {
	id, err := nodeID(keyFile)
	if err != nil {
		return nil, err
	}
	if publicURL == "" {
		publicURL = "http://" + listenURLHost(listen)
	}
	u, err := url.Parse(publicURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrPublicURL, publicURL, err)
	}
	a, err := providerAddr(u)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPublicURL, err)
	}
	return &Provider{ID: id, Addrs: []ma.Multiaddr{a}}, nil
}

// nodeID returns the peer ID of the node identity in keyFile, creating
// the identity (and the directory it is in) on first use.
func nodeID(keyFile string) (peer.ID, error) {
	k, err := ipns.LoadKey(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(keyFile), 0o700); err == nil { // a server that only follows may start in a new home
			k, err = ipns.GenerateKey(nil)
		}
		if err == nil {
			err = k.Save(keyFile)
		}
		if errors.Is(err, ipns.ErrKeyExists) { // another server made it first
			k, err = ipns.LoadKey(keyFile)
		}
	}
	if err != nil {
		return "", fmt.Errorf("node identity: %w", err)
	}
	return peer.IDFromPrivateKey(k.PrivKey())
}

// listenURLHost is the host:port of a listen address as a URL host; an
// unspecified IP (listening on every interface) becomes loopback.
func listenURLHost(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// providerAddr returns the multiaddr of an HTTP(S) gateway URL, as
// verifying clients expect it: http://127.0.0.1:8080 is
// /ip4/127.0.0.1/tcp/8080/http, https://reg.example is
// /dns/reg.example/tcp/443/https. A path in the URL is refused: providers
// are reached at the root.
func providerAddr(u *url.URL) (ma.Multiaddr, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("provider address %s: scheme must be http or https", u)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" {
		return nil, fmt.Errorf("provider address %s: a gateway is reached at its root, not a path", u)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	var proto string
	switch ip := net.ParseIP(host); {
	case ip == nil:
		proto = "dns"
	case ip.To4() != nil:
		proto = "ip4"
	default:
		proto = "ip6"
	}
	return ma.NewMultiaddr(fmt.Sprintf("/%s/%s/tcp/%s/%s", proto, host, port, u.Scheme))
}

// record returns the provider as a delegated-routing peer record.
func (p *Provider) record() *types.PeerRecord {
	addrs := make([]types.Multiaddr, len(p.Addrs))
	for i, a := range p.Addrs {
		addrs[i] = types.Multiaddr{Multiaddr: a}
	}
	id := p.ID
	return &types.PeerRecord{Schema: types.SchemaPeer, ID: &id, Addrs: addrs, Protocols: []string{protocolGatewayHTTP}}
}

// FindProviders implements server.DelegatedRouter: the server itself, when
// it holds the block c (and so can serve it verified), else nothing (boxo
// answers 404, as the specification says).
func (r router) FindProviders(ctx context.Context, c cid.Cid, _ int) (iter.ResultIter[types.Record], error) {
	p := r.s.provider
	if p == nil {
		return nil, routing.ErrNotFound
	}
	has, err := r.s.blocks.Has(ctx, c)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, routing.ErrNotFound
	}
	return iter.ToResultIter(iter.FromSlice([]types.Record{p.record()})), nil
}

// FindPeers implements server.DelegatedRouter: the server knows itself.
func (r router) FindPeers(_ context.Context, id peer.ID, _ int) (iter.ResultIter[*types.PeerRecord], error) {
	p := r.s.provider
	if p == nil || id != p.ID {
		return nil, routing.ErrNotFound
	}
	return iter.ToResultIter(iter.FromSlice([]*types.PeerRecord{p.record()})), nil
}
