package kubotest

import (
	"encoding/json"
	"strings"
	"testing"
)

// StartOnline initialises a repo as Init does and runs `ipfs daemon`
// online on it, on loopback only: the test profile's swarm address
// (127.0.0.1, a free port) and no bootstrap peers, with
// Routing.Type=dht and Routing.LoopbackAddressesOnLanDHT (both set here
// too, whatever the profile), so that peers on this machine find each
// other through the LAN DHT. Connect it to other peers with Connect.
func StartOnline(t testing.TB, profiles ...string) *Node {
	t.Helper()
	r := Init(t, profiles...)
	r.MustRun(t, "config", "Routing.Type", "dht")
	r.MustRun(t, "config", "--json", "Routing.LoopbackAddressesOnLanDHT", "true")
	r.MustRun(t, "config", "--json", "Bootstrap", "[]")
	r.MustRun(t, "config", "--json", "Plugins.Plugins.telemetry.Disabled", "true")
	return r.start(t, "daemon")
}

// SwarmAddrs returns the node's libp2p addresses, each ending in
// /p2p/PEER-ID, as `ipfs id` lists them.
func (n *Node) SwarmAddrs(t testing.TB) []string {
	t.Helper()
	var id struct{ Addresses []string }
	if err := json.Unmarshal([]byte(n.MustRun(t, "id")), &id); err != nil {
		t.Fatalf("ipfs id: %v", err)
	}
	var out []string
	for _, a := range id.Addresses {
		if strings.Contains(a, "/p2p/") {
			out = append(out, a)
		}
	}
	return out
}
