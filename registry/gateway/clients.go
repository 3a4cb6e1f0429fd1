package gateway

import (
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// client is the address a request came from, as the limits per client
// count it: an IPv4 address, or the /64 an IPv6 address is in (one
// host's share of a network). Behind a reverse proxy every request comes
// from the proxy.
type client = netip.Addr

// clientOf returns the client of r; requests from a listener that has no
// IP addresses share the zero client.
func clientOf(r *http.Request) client {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return client{}
	}
	a := ap.Addr().Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// maxClients bounds the clients the limits remember; addresses come from
// the network, so they must not accumulate.
const maxClients = 4096

// rateLimits is a token bucket per client: each may do burst things at
// once, then rate a second.
type rateLimits struct {
	rate  float64 // tokens per second
	burst float64
	mu    sync.Mutex
	m     map[client]bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimits(rate float64, burst int) *rateLimits {
	return &rateLimits{rate: rate, burst: float64(burst), m: map[client]bucket{}}
}

// allow takes a token of c's bucket at now, if it has one.
func (l *rateLimits) allow(c client, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.fill(c, now)
	if b.tokens < 1 {
		l.m[c] = b
		return false
	}
	b.tokens--
	if _, known := l.m[c]; !known && len(l.m) >= maxClients {
		l.forget(now)
	}
	l.m[c] = b
	return true
}

// fill returns c's bucket as it is at now.
func (l *rateLimits) fill(c client, now time.Time) bucket {
	b, ok := l.m[c]
	if !ok {
		return bucket{tokens: l.burst, at: now}
	}
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
		b.at = now
	}
	return b
}

// forget drops the buckets that are full again (the same as none), and
// all of them if that is not enough.
func (l *rateLimits) forget(now time.Time) {
	for c := range l.m {
		if l.fill(c, now).tokens >= l.burst {
			delete(l.m, c)
		}
	}
	if len(l.m) >= maxClients {
		clear(l.m)
	}
}

// counts holds how many of something each client holds at once, up to
// max each.
type counts struct {
	max int
	mu  sync.Mutex
	m   map[client]int
}

func newCounts(max int) *counts { return &counts{max: max, m: map[client]int{}} }

// take counts one more for c, unless c holds max already.
func (n *counts) take(c client) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m[c] >= n.max {
		return false
	}
	n.m[c]++
	return true
}

// release gives back what take counted.
func (n *counts) release(c client) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m[c]--; n.m[c] <= 0 {
		delete(n.m, c)
	}
}
