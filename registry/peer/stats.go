package peer

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Stats are a peer's figures now (Peer.Stats).
type Stats struct {
	Peers           int     // peers connected
	DHTWAN, DHTLAN  int     // peers in the WAN and LAN DHT's routing tables
	Provide         Provide // what is provided: roots or all
	ProvidesDone    uint64  // provides done since start
	ProvidesPending int     // CIDs queued to be provided or being provided
	ProvidesDropped uint64  // CIDs dropped from the full provide queue (provided at a later listing)
	BlocksServed    uint64  // blocks sent to peers over bitswap
	BlocksFetched   uint64  // blocks Block returned, verified
}

// Stats returns the peer's figures now.
func (p *Peer) Stats() Stats {
	_, dropped := p.prov.q.counts()
	s := Stats{
		Peers:  p.Peers(),
		DHTWAN: p.dht.WAN.RoutingTable().Size(), DHTLAN: p.dht.LAN.RoutingTable().Size(),
		Provide:      p.cfg.Provide,
		ProvidesDone: p.prov.done.Load(), ProvidesPending: p.prov.pending(), ProvidesDropped: dropped,
		BlocksFetched: p.fetched.Load(),
	}
	if bs, err := p.bs.Stat(); err == nil {
		s.BlocksServed = bs.BlocksSent
	}
	return s
}

// Collectors are the peer's Prometheus metrics, read when scraped:
//
//	svcreg_p2p_peers                          peers connected
//	svcreg_p2p_dht_routing_table_peers{dht}   peers in the routing table of the wan and the lan DHT
//	svcreg_p2p_provides_total                 provides done
//	svcreg_p2p_provides_pending               CIDs queued to be provided or being provided
//	svcreg_p2p_provides_dropped_total         CIDs dropped from the full provide queue
//	svcreg_p2p_blocks_served_total            blocks sent to peers over bitswap
//	svcreg_p2p_blocks_fetched_total           blocks fetched over bitswap, verified
func (p *Peer) Collectors() []prometheus.Collector {
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help, ConstLabels: labels}, f)
	}
	counter := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f)
	}
	return []prometheus.Collector{
		gauge("svcreg_p2p_peers", "Peers connected.", nil, func() float64 { return float64(p.Peers()) }),
		gauge("svcreg_p2p_dht_routing_table_peers", "Peers in the DHT's routing table.", prometheus.Labels{"dht": "wan"},
			func() float64 { return float64(p.dht.WAN.RoutingTable().Size()) }),
		gauge("svcreg_p2p_dht_routing_table_peers", "Peers in the DHT's routing table.", prometheus.Labels{"dht": "lan"},
			func() float64 { return float64(p.dht.LAN.RoutingTable().Size()) }),
		counter("svcreg_p2p_provides_total", "Provides done.", func() float64 { return float64(p.prov.done.Load()) }),
		gauge("svcreg_p2p_provides_pending", "CIDs queued to be provided or being provided.", nil,
			func() float64 { return float64(p.prov.pending()) }),
		counter("svcreg_p2p_provides_dropped_total", "CIDs dropped from the full provide queue.", func() float64 {
			_, d := p.prov.q.counts()
			return float64(d)
		}),
		counter("svcreg_p2p_blocks_served_total", "Blocks sent to peers over bitswap.", func() float64 { return float64(p.Stats().BlocksServed) }),
		counter("svcreg_p2p_blocks_fetched_total", "Blocks fetched over bitswap, verified.", func() float64 { return float64(p.fetched.Load()) }),
	}
}
