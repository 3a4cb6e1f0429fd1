package peer

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/sec"
	"github.com/libp2p/go-libp2p/core/transport"
	"github.com/libp2p/go-libp2p/p2p/host/autonat"
	basichost "github.com/libp2p/go-libp2p/p2p/host/basic"
	"github.com/libp2p/go-libp2p/p2p/host/eventbus"
	"github.com/libp2p/go-libp2p/p2p/host/observedaddrs"
	"github.com/libp2p/go-libp2p/p2p/host/peerstore/pstoremem"
	"github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/net/upgrader"
	circuit "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	tls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/quicreuse"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
	quicgo "github.com/quic-go/quic-go"
)

// newHost returns the libp2p host: TCP and QUIC, TLS and Noise, yamux,
// the resource manager with go-libp2p's default limits scaled to
// DefaultResourceMemory and DefaultResourceFDs (resourceLimits), kubo's
// connection manager settings, identify, ping, dialling through relays
// and the AutoNAT client, no metrics registered; off loopback, NAT port
// mapping (UPnP, NAT-PMP) and hole punching (DCUtR).
//
// It is what go-libp2p's libp2p.New builds with those options, put
// together from its parts rather than through libp2p.New: that package
// links every transport go-libp2p has (WebRTC, WebTransport, WebSocket)
// and their dependencies into the binary, whose every command would
// then pay for their package initialisation.
func newHost(cfg Config) (host.Host, error) {
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(resourceLimits(cfg.ConnHigh)))
	if err != nil {
		return nil, fmt.Errorf("resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(cfg.ConnLow, cfg.ConnHigh, connmgr.WithGracePeriod(cfg.ConnGrace))
	if err != nil {
		return nil, errors.Join(fmt.Errorf("connection manager: %w", err), rm.Close())
	}
	b := &hostBuilder{key: cfg.Key, rm: rm, cm: cm, natmap: !loopbackOnly(cfg.Listen)}
	h, err := b.build(cfg.Listen)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("start the libp2p host: %w", err), b.close())
	}
	return h, nil
}

// hostBuilder holds what newHost has made so far, for build to use and
// close to undo on failure.
type hostBuilder struct {
	key    crypto.PrivKey
	rm     network.ResourceManager
	cm     *connmgr.BasicConnMgr
	natmap bool // port mapping and hole punching

	ps   peerstore.Peerstore
	quic *quicreuse.ConnManager
	sw   *swarm.Swarm
	oam  *observedaddrs.Manager
	bh   *basichost.BasicHost
}

// build makes the swarm with its transports, then the host on it, and
// starts listening, in libp2p.New's order.
func (b *hostBuilder) build(listen []ma.Multiaddr) (host.Host, error) {
	id, err := lpeer.IDFromPrivateKey(b.key)
	if err != nil {
		return nil, err
	}
	if b.ps, err = pstoremem.NewPeerstore(); err != nil {
		return nil, err
	}
	if err := errors.Join(b.ps.AddPrivKey(id, b.key), b.ps.AddPubKey(id, b.key.GetPublic())); err != nil {
		return nil, err
	}
	bus := eventbus.NewBus()
	b.sw, err = swarm.NewSwarm(id, b.ps, bus,
		swarm.WithUDPBlackHoleSuccessCounter(&swarm.BlackHoleSuccessCounter{N: 100, MinSuccesses: 5, Name: "UDP"}),
		swarm.WithIPv6BlackHoleSuccessCounter(&swarm.BlackHoleSuccessCounter{N: 100, MinSuccesses: 5, Name: "IPv6"}),
		swarm.WithResourceManager(b.rm))
	if err != nil {
		return nil, err
	}
	up, err := b.addTransports()
	if err != nil {
		return nil, err
	}
	if b.oam, err = observedaddrs.NewManager(bus, b.sw); err != nil {
		return nil, err
	}
	opts := &basichost.HostOpts{EventBus: bus, ConnManager: b.cm, EnablePing: true, ObservedAddrsManager: b.oam}
	if b.natmap {
		opts.NATManager = basichost.NewNATManager
		opts.EnableHolePunching = true
	}
	if b.bh, err = basichost.NewHost(b.sw, opts); err != nil {
		return nil, err
	}
	if err := circuit.AddTransport(b.bh, up); err != nil {
		return nil, err
	}
	if err := b.sw.Listen(listen...); err != nil {
		return nil, err
	}
	b.oam.Start(b.sw)
	b.bh.Start()
	if err := b.addAutoNAT(); err != nil {
		return nil, err
	}
	return &closingHost{BasicHost: b.bh, b: b}, nil
}

// addTransports adds TCP and QUIC to the swarm and returns the
// upgrader the relay transport shares.
func (b *hostBuilder) addTransports() (transport.Upgrader, error) {
	muxers := []upgrader.StreamMuxer{{ID: yamux.ID, Muxer: yamux.DefaultTransport}}
	t, err := tls.New(tls.ID, b.key, muxers)
	if err != nil {
		return nil, err
	}
	n, err := noise.New(noise.ID, b.key, muxers)
	if err != nil {
		return nil, err
	}
	up, err := upgrader.New([]sec.SecureTransport{t, n}, muxers, nil, b.rm, nil)
	if err != nil {
		return nil, err
	}
	tcpt, err := tcp.NewTCPTransport(up, b.rm, nil)
	if err != nil {
		return nil, err
	}
	if b.quic, err = b.quicConns(); err != nil {
		return nil, err
	}
	quict, err := quic.NewTransport(b.key, b.quic, nil, nil, b.rm)
	if err != nil {
		return nil, err
	}
	return up, errors.Join(b.sw.AddTransport(tcpt), b.sw.AddTransport(quict))
}

// quicConns is the QUIC connection manager as libp2p.New makes it:
// keys derived from the host's, each inbound connection admitted by the
// resource manager, no metrics.
func (b *hostBuilder) quicConns() (*quicreuse.ConnManager, error) {
	reset, err := statelessResetKey(b.key)
	if err != nil {
		return nil, err
	}
	token, err := tokenGeneratorKey(b.key)
	if err != nil {
		return nil, err
	}
	return quicreuse.NewConnManager(reset, token,
		quicreuse.ConnContext(func(ctx context.Context, info *quicgo.ClientInfo) (context.Context, error) {
			addr, err := quicreuse.ToQuicMultiaddr(info.RemoteAddr, quicgo.Version1)
			if err != nil {
				addr = nil // the resource manager decides without it
			}
			scope, err := b.rm.OpenConnection(network.DirInbound, false, addr)
			if err != nil {
				return ctx, err
			}
			ctx = network.WithConnManagementScope(ctx, scope)
			context.AfterFunc(ctx, scope.Done)
			return ctx, nil
		}),
		quicreuse.VerifySourceAddress(func(addr net.Addr) bool { return b.rm.VerifySourceAddress(addr) }),
	)
}

// addAutoNAT runs the AutoNAT client (no service): peers tell the host
// whether its public addresses are reachable.
func (b *hostBuilder) addAutoNAT() error {
	public := func() []ma.Multiaddr {
		return slices.DeleteFunc(b.bh.AllAddrs(), func(a ma.Multiaddr) bool { return !manet.IsPublicAddr(a) })
	}
	an, err := autonat.New(b.bh, autonat.UsingAddresses(public))
	if err != nil {
		return fmt.Errorf("autonat: %w", err)
	}
	b.bh.SetAutoNat(an)
	return nil
}

// close undoes what build made, in libp2p's order: the observed
// addresses, the swarm, the QUIC connections, then the host (which
// closes the peerstore and the resource manager).
func (b *hostBuilder) close() error {
	var errs []error
	if b.oam != nil {
		errs = append(errs, b.oam.Close())
	}
	if b.sw != nil {
		errs = append(errs, b.sw.Close())
	}
	if b.quic != nil {
		errs = append(errs, b.quic.Close())
	}
	switch {
	case b.bh != nil:
		errs = append(errs, b.bh.Close())
	case b.ps != nil:
		errs = append(errs, b.cm.Close(), b.ps.Close(), b.rm.Close())
	default:
		errs = append(errs, b.cm.Close(), b.rm.Close())
	}
	return errors.Join(errs...)
}

// closingHost is the host whose Close closes everything hostBuilder
// made.
type closingHost struct {
	*basichost.BasicHost
	b *hostBuilder
}

// Close stops the host and what it runs on.
func (h *closingHost) Close() error { return h.b.close() }
