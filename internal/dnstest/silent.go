package dnstest

import (
	"net"
	"sync/atomic"
	"testing"
)

// Silent is a DNS server that never answers: a UDP socket on loopback
// that reads every question and drops it. Addr is its HOST:PORT.
type Silent struct {
	Addr    string
	queries atomic.Int64
}

// StartSilent starts a Silent server and stops it when t ends.
func StartSilent(t testing.TB) *Silent {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Silent{Addr: pc.LocalAddr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64<<10)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			s.queries.Add(1)
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return s
}

// Queries returns how many questions the server has received (and
// ignored).
func (s *Silent) Queries() int64 { return s.queries.Load() }
