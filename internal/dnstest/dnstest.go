// Package dnstest runs a real DNS server on loopback for tests: it
// answers TXT questions from a map that the test may change while it
// runs, over UDP and TCP, and counts the questions it was asked.
//
//	srv := dnstest.Start(t)
//	srv.SetTXT("_dnslink.registry.example.com", "dnslink=/ipns/k51…")
//	r, _ := dnslink.New(dnslink.Config{Server: srv.Addr})
//
// StartSilent runs one that never answers, for the timeouts of clients.
package dnstest

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"
)

// Server is a running DNS server; Addr is its HOST:PORT (the same port
// for UDP and TCP).
type Server struct {
	Addr    string
	queries atomic.Int64

	mu  sync.Mutex
	txt map[string][]string // lower-case FQDN → strings
}

// Start starts a Server on 127.0.0.1 and stops it when t ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{txt: map[string][]string{}}
	pc, ln := listenPair(t)
	s.Addr = pc.LocalAddr().String()
	h := dns.HandlerFunc(s.serve)
	udp := &dns.Server{PacketConn: pc, Handler: h}
	tcp := &dns.Server{Listener: ln, Handler: h}
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	t.Cleanup(func() {
		udp.Shutdown()
		tcp.Shutdown()
	})
	return s
}

// listenPair listens on a free UDP port of 127.0.0.1 and on the same
// TCP port. Another socket may hold that TCP port: then it tries again
// with another UDP port.
func listenPair(t testing.TB) (net.PacketConn, net.Listener) {
	t.Helper()
	for try := 0; ; try++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		pc.Close()
		if try == 20 {
			t.Fatal(err)
		}
	}
}

// SetTXT sets the TXT strings of name (nothing: remove it).
func (s *Server) SetTXT(name string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txt[dns.Fqdn(strings.ToLower(name))] = values
}

// Queries returns how many questions the server has answered.
func (s *Server) Queries() int64 { return s.queries.Load() }

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	s.mu.Lock()
	found := false
	for _, q := range req.Question {
		vals, ok := s.txt[strings.ToLower(q.Name)]
		found = found || (ok && len(vals) > 0)
		if q.Qtype != dns.TypeTXT {
			continue
		}
		for _, v := range vals {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{v}})
		}
	}
	s.mu.Unlock()
	if !found {
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}
