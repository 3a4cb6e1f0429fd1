package gateway

import (
	"context"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Bounds of the HTTP server Serve runs.
const (
	shutdownGrace     = 5 * time.Second // in-flight requests may finish after ctx ends
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
	// minConns is the least the connection cap defaults to, however low
	// the open-file limit; fallbackConns is the cap where that limit
	// cannot be read.
	minConns      = 16
	fallbackConns = 512
)

// Serve serves s on ln until ctx ends, then lets in-flight requests
// finish for up to 5 seconds. It serves at most maxConns connections at
// once: past them, accepting waits for one to close, and new clients wait
// in the kernel's backlog. maxConns 0 means half the process's open-file
// limit (RLIMIT_NOFILE, at least 16): the other half stays for what
// serving a request opens (blocks, the index, records, upstreams), so a
// flood of idle connections never leaves the server without file
// descriptors.
func (s *Server) Serve(ctx context.Context, ln net.Listener, maxConns int) error {
	if maxConns <= 0 {
		maxConns = defaultConns()
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: readHeaderTimeout, IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(netutil.LimitListener(ln, maxConns)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return hs.Shutdown(sctx)
}

// defaultConns is the connection cap of Serve by default.
func defaultConns() int {
	limit, ok := openFileLimit()
	if !ok {
		return fallbackConns
	}
	return int(max(limit/2, minConns))
}
