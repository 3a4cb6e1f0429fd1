package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry/gateway"
	"github.com/svcreg/svcreg/registry/ipns"
)

// nodeKeyFile is the node's own ed25519 identity in SVCREG_HOME (mode
// 0600): the peer ID a server announces in delegated routing answers. It
// is not a registry key and signs nothing.
const nodeKeyFile = "node.key"

// nodeID returns the peer ID of the node identity at path (the home's
// NodeKeyPath), creating the identity on first use.
func nodeID(path string) (peer.ID, error) {
	dir := filepath.Dir(path)
	k, err := ipns.LoadKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o700); err == nil { // a server that only follows may start in a new home
			k, err = ipns.GenerateKey(nil)
		}
		if err == nil {
			err = k.Save(path)
		}
		if errors.Is(err, ipns.ErrKeyExists) { // another server made it first
			k, err = ipns.LoadKey(path)
		}
	}
	if err != nil {
		return "", fmt.Errorf("node identity: %w", err)
	}
	return peer.IDFromPrivateKey(k.PrivKey())
}

// nodeProvider returns what the server announces as a provider: its node
// identity at publicURL, else at the address it listens on.
func nodeProvider(keyPath, publicURL string, listen net.Addr) (*gateway.Provider, error) {
	id, err := nodeID(keyPath)
	if err != nil {
		return nil, err
	}
	if publicURL == "" {
		publicURL = "http://" + listenURLHost(listen)
	}
	u, err := url.Parse(publicURL)
	if err != nil {
		return nil, usageErr(fmt.Errorf("--public-url %q: %w", publicURL, err), "give the URL clients reach this server at, e.g. https://reg.example")
	}
	a, err := gateway.ProviderAddr(u)
	if err != nil {
		return nil, usageErr(err, "give the URL clients reach this server at, e.g. https://reg.example")
	}
	return &gateway.Provider{ID: id, Addrs: []ma.Multiaddr{a}}, nil
}

// listenURLHost is the host:port of a listen address as a URL host; an
// unspecified IP (listening on every interface) becomes loopback, since
// the reachable address is not known: --public-url tells it.
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
