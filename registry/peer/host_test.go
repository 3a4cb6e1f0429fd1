package peer

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	lpeer "github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	tls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/svcreg/svcreg/registry/ipns"
)

// TestServiceLimits: the service limits copied from go-libp2p are its
// own, at the budget the node scales them to.
func TestServiceLimits(t *testing.T) {
	ours, theirs := rcmgr.DefaultLimits, rcmgr.DefaultLimits
	setServiceLimits(&ours)
	libp2p.SetDefaultServiceLimits(&theirs)
	a := ours.Scale(DefaultResourceMemory, DefaultResourceFDs).ToPartialLimitConfig()
	b := theirs.Scale(DefaultResourceMemory, DefaultResourceFDs).ToPartialLimitConfig()
	if !reflect.DeepEqual(a, b) {
		t.Errorf("service limits differ from go-libp2p's:\nours   %+v\ntheirs %+v", a, b)
	}
}

// TestHostAsLibp2pNew: the host newHost puts together from go-libp2p's
// parts speaks what the host libp2p.New makes with the same options
// speaks (protocols, addresses), and a libp2p.New host connects to it
// over TCP and over QUIC, with TLS and with Noise.
func TestHostAsLibp2pNew(t *testing.T) {
	listen := []ma.Multiaddr{ma.StringCast("/ip4/127.0.0.1/tcp/0"), ma.StringCast("/ip4/127.0.0.1/udp/0/quic-v1")}
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := withDefaults(Config{Key: key.PrivKey(), Listen: listen})
	ours, err := newHost(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ours.Close() })
	theirs := libp2pNewHost(t, cfg)

	if a, b := protocols(ours), protocols(theirs); !slices.Equal(a, b) {
		t.Errorf("protocols: ours %v, libp2p.New's %v", a, b)
	}
	if a, b := addrKinds(ours), addrKinds(theirs); !slices.Equal(a, b) {
		t.Errorf("addresses: ours %v, libp2p.New's %v", a, b)
	}
	for _, tc := range []struct {
		name string
		opts []libp2p.Option
	}{
		{"tcp tls", []libp2p.Option{libp2p.Transport(tcp.NewTCPTransport), libp2p.Security(tls.ID, tls.New)}},
		{"tcp noise", []libp2p.Option{libp2p.Transport(tcp.NewTCPTransport), libp2p.Security(noise.ID, noise.New)}},
		{"quic", []libp2p.Option{libp2p.Transport(quic.NewTransport)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dialer := dialingHost(t, tc.opts...)
			if err := dialer.Connect(t.Context(), lpeer.AddrInfo{ID: ours.ID(), Addrs: ours.Addrs()}); err != nil {
				t.Fatal(err)
			}
			conns := dialer.Network().ConnsToPeer(ours.ID())
			if len(conns) == 0 {
				t.Fatal("no connection")
			}
			st := conns[0].ConnState()
			t.Logf("%s: security %q, muxer %q, transport %q", tc.name, st.Security, st.StreamMultiplexer, st.Transport)
		})
	}
}

// libp2pNewHost is what newHost made before it was put together from
// parts: libp2p.New with the same options.
func libp2pNewHost(t *testing.T, cfg Config) host.Host {
	t.Helper()
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(resourceLimits(cfg.ConnHigh)))
	if err != nil {
		t.Fatal(err)
	}
	cm, err := connmgr.NewConnManager(cfg.ConnLow, cfg.ConnHigh, connmgr.WithGracePeriod(cfg.ConnGrace))
	if err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.Identity(cfg.Key), libp2p.ListenAddrs(cfg.Listen...),
		libp2p.Transport(tcp.NewTCPTransport), libp2p.Transport(quic.NewTransport),
		libp2p.ResourceManager(rm), libp2p.ConnectionManager(cm), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// dialingHost is a libp2p.New host with opts and no listener.
func dialingHost(t *testing.T, opts ...libp2p.Option) host.Host {
	t.Helper()
	h, err := libp2p.New(append(opts, libp2p.NoListenAddrs, libp2p.DisableMetrics())...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// protocols returns the protocols h answers, sorted.
func protocols(h host.Host) []protocol.ID {
	ps := h.Mux().Protocols()
	slices.Sort(ps)
	return ps
}

// addrKinds returns h's listen addresses with their ports zeroed,
// sorted.
func addrKinds(h host.Host) []string {
	var out []string
	for _, a := range h.Addrs() {
		var kind strings.Builder
		for _, c := range a {
			switch c.Protocol().Code {
			case ma.P_TCP, ma.P_UDP:
				kind.WriteString("/" + c.Protocol().Name + "/N")
			default:
				kind.WriteString(c.String())
			}
		}
		out = append(out, kind.String())
	}
	slices.Sort(out)
	return out
}

// TestHostListenFails: an address no transport listens on fails
// newHost, which closes what it had made.
func TestHostListenFails(t *testing.T) {
	key, err := ipns.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHost(withDefaults(Config{Key: key.PrivKey(), Listen: []ma.Multiaddr{ma.StringCast("/ip4/127.0.0.1/udp/0")}}))
	if err == nil {
		h.Close()
		t.Fatal("newHost listened on raw UDP")
	}
	t.Log(err)
}
