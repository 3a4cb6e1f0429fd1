package peer

import (
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/autonat"
	"github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	circuit "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/proto"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/protocol/holepunch"
	"github.com/libp2p/go-libp2p/p2p/protocol/identify"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
)

// resourceLimits are go-libp2p's default limits (with its service
// limits) scaled to DefaultResourceMemory and DefaultResourceFDs, the
// system's connections raised to fit connHigh.
func resourceLimits(connHigh int) rcmgr.ConcreteLimitConfig {
	limits := rcmgr.DefaultLimits
	setServiceLimits(&limits)
	scaled := limits.Scale(DefaultResourceMemory, DefaultResourceFDs)
	if scaled.ToPartialLimitConfig().System.Conns >= rcmgr.LimitVal(connHigh) {
		return scaled
	}
	partial := scaled.ToPartialLimitConfig()
	partial.System.Conns = rcmgr.LimitVal(2 * connHigh)
	partial.System.ConnsInbound = rcmgr.LimitVal(connHigh)
	partial.System.ConnsOutbound = rcmgr.LimitVal(2 * connHigh)
	return partial.Build(scaled)
}

// serviceLimit is one service's or protocol's limits: base, and the
// increase per GiB of memory and file descriptor.
type serviceLimit struct {
	base rcmgr.BaseLimit
	inc  rcmgr.BaseLimitIncrease
}

// setServiceLimits sets go-libp2p's default limits for its bundled
// services (libp2p.SetDefaultServiceLimits, v0.51.0: its root package,
// which links every transport, is not imported here): identify, ping,
// AutoNAT, hole punching, the relay service and the circuit protocols.
func setServiceLimits(c *rcmgr.ScalingLimitConfig) {
	perPeer := func(in, out, all int, mem int64) serviceLimit {
		return serviceLimit{base: rcmgr.BaseLimit{StreamsInbound: in, StreamsOutbound: out, Streams: all, Memory: mem}}
	}
	scaled := func(in, out, all int, mem int64, inInc, outInc, allInc int, memInc int64) serviceLimit {
		return serviceLimit{
			base: rcmgr.BaseLimit{StreamsInbound: in, StreamsOutbound: out, Streams: all, Memory: mem},
			inc:  rcmgr.BaseLimitIncrease{StreamsInbound: inInc, StreamsOutbound: outInc, Streams: allInc, Memory: memInc},
		}
	}
	const big = 32 * (256<<20 + 16<<10) // go-libp2p's "practically unlimited" stream memory

	service(c, identify.ServiceName, scaled(64, 64, 128, 4<<20, 64, 64, 128, 4<<20), perPeer(16, 16, 32, 1<<20))
	for _, id := range [...]protocol.ID{identify.ID, identify.IDPush} {
		proto(c, id, scaled(64, 64, 128, 4<<20, 64, 64, 128, 4<<20), perPeer(16, 16, 32, big))
	}
	both(c, ping.ServiceName, ping.ID, scaled(64, 64, 64, 4<<20, 64, 64, 64, 4<<20), perPeer(2, 3, 4, big))
	both(c, autonat.ServiceName, autonat.AutoNATProto, scaled(64, 64, 64, 4<<20, 4, 4, 4, 2<<20), perPeer(2, 2, 2, 1<<20))
	both(c, holepunch.ServiceName, holepunch.Protocol, scaled(32, 32, 64, 4<<20, 8, 8, 16, 4<<20), perPeer(2, 2, 2, 1<<20))
	service(c, relayv2.ServiceName, scaled(256, 256, 256, 16<<20, 256, 256, 256, 16<<20), perPeer(64, 64, 64, 1<<20))
	for _, id := range [...]protocol.ID{circuit.ProtoIDv2Hop, circuit.ProtoIDv2Stop} {
		proto(c, id, scaled(640, 640, 640, 16<<20, 640, 640, 640, 16<<20), perPeer(128, 128, 128, 32<<20))
	}
}

// service sets a service's limits, in all and per peer.
func service(c *rcmgr.ScalingLimitConfig, name string, all, peer serviceLimit) {
	c.AddServiceLimit(name, all.base, all.inc)
	c.AddServicePeerLimit(name, peer.base, peer.inc)
}

// proto sets a protocol's limits, in all and per peer.
func proto(c *rcmgr.ScalingLimitConfig, id protocol.ID, all, peer serviceLimit) {
	c.AddProtocolLimit(id, all.base, all.inc)
	c.AddProtocolPeerLimit(id, peer.base, peer.inc)
}

// both sets the same limits for a service and its protocol.
func both(c *rcmgr.ScalingLimitConfig, name string, id protocol.ID, all, peer serviceLimit) {
	service(c, name, all, peer)
	proto(c, id, all, peer)
}
