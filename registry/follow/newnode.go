package follow

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/target"
)

// NodeConfig is what NewNode builds a Node from.
type NodeConfig struct {
	Blocks registry.Blocks // the local block store
	Index  Index           // shared by every registry's Follower (a server's: a bolt.Transient)
	// Key is the key of the registry the node keeps alive: re-signed
	// when due and replicated. Nil: none.
	Key *ipns.Key
	// Follow are the registries followed, each with the upstreams it is
	// read from (target.Target.Gateways).
	Follow []target.Target
	// Sources are asked beside every followed registry's gateways
	// (Config.Sources): the node's peer on the IPFS network.
	Sources   []registry.Source
	Replicas  []Replica // kubo nodes every registry is pushed to
	Mirror    Mirror
	Timeout   time.Duration // per upstream request (0: remote.DefaultTimeout)
	UserAgent string        // sent with every upstream request when set
	Logger    *slog.Logger  // nil: discard
	// Metrics registers the node's metrics (NewMetrics). Nil: none.
	Metrics prometheus.Registerer
}

// NewNode returns the Node cfg describes: a Follower of the key's
// registry and one of each registry followed. It fails with
// ErrBadUpstream when an upstream URL cannot be used.
func NewNode(cfg NodeConfig) (*Node, error) {
	n := &Node{Mirror: cfg.Mirror, Key: cfg.Key, Replicas: cfg.Replicas, Logger: cfg.Logger}
	var err error
	if cfg.Key != nil {
		n.Own, err = New(Config{Name: cfg.Key.RegistryName(), Own: true, Blocks: cfg.Blocks, Index: cfg.Index, Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
	}
	for _, t := range cfg.Follow {
		f, err := New(Config{Name: t.Name, Blocks: cfg.Blocks, Index: cfg.Index, Gateways: t.Gateways,
			Sources: cfg.Sources, Timeout: cfg.Timeout, UserAgent: cfg.UserAgent, Logger: cfg.Logger})
		if err != nil {
			return nil, err
		}
		n.Follow = append(n.Follow, f)
	}
	if cfg.Metrics != nil {
		if n.Metrics, err = NewMetrics(cfg.Metrics); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// Registry is the registry a server beside the node serves when none is
// named: its own, else the one it follows when it follows one (zero:
// none).
func (n *Node) Registry() ipnsrec.Name {
	switch {
	case n.Own != nil:
		return n.Own.Name()
	case len(n.Follow) == 1:
		return n.Follow[0].Name()
	}
	return ipnsrec.Name{}
}

// Handlers are the node's own answers beside a gateway: GET /healthz
// (Health as JSON, never cached) and /metrics (what metrics gathers).
func (n *Node) Handlers(metrics prometheus.Gatherer) map[string]http.Handler {
	health := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(n.Health())
	})
	return map[string]http.Handler{"/healthz": health, "/metrics": promhttp.HandlerFor(metrics, promhttp.HandlerOpts{})}
}
