package main

import (
	"fmt"
	"net"

	"github.com/urfave/cli/v2"
	"golang.org/x/net/netutil"
)

// minConns is the least --max-conns defaults to, however low the
// open-file limit.
const minConns = 16

// fallbackConns is the --max-conns default where the open-file limit
// cannot be read.
const fallbackConns = 512

// maxConns returns --max-conns, or by default half the process's
// open-file limit (RLIMIT_NOFILE): the other half stays for what serving
// a request opens (blocks, the index, records, upstreams), so a flood of
// idle connections can never leave the node without file descriptors.
func maxConns(c *cli.Context) (int, error) {
	if n := c.Int("max-conns"); n != 0 {
		if n < 0 {
			return 0, usageErr(fmt.Errorf("--max-conns: must be at least 1, got %d", n), "svcreg serve --max-conns N")
		}
		return n, nil
	}
	limit, ok := openFileLimit()
	if !ok {
		return fallbackConns, nil
	}
	return int(max(limit/2, minConns)), nil
}

// limitConns caps the connections ln has open at once at n: past n,
// Accept waits for one to close, and new clients wait in the kernel's
// backlog.
func limitConns(ln net.Listener, n int) net.Listener { return netutil.LimitListener(ln, n) }
