package peer

import (
	"fmt"

	lpeer "github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// ParseListen parses listen addresses (Config.Listen), each wrapping
// ErrBadAddr when it is not a multiaddr.
func ParseListen(ss []string) ([]ma.Multiaddr, error) {
	var out []ma.Multiaddr
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("%w %q: %w", ErrBadAddr, s, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// ParseBootstrap parses bootstrap peers (Config.Bootstrap), multiaddrs
// ending in /p2p/ID; addresses of one peer are merged. An address
// without a peer ID wraps ErrBadAddr.
func ParseBootstrap(ss []string) ([]lpeer.AddrInfo, error) {
	addrs, err := ParseListen(ss)
	if err != nil {
		return nil, err
	}
	infos, err := lpeer.AddrInfosFromP2pAddrs(addrs...)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadAddr, err)
	}
	return infos, nil
}
