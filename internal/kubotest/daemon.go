package kubotest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// StartTimeout bounds how long Start waits for "Daemon is ready".
const StartTimeout = 60 * time.Second

// Node is a running offline kubo daemon.
type Node struct {
	*Repo
	API     string // RPC base URL, e.g. http://127.0.0.1:40123 (requests go to API+"/api/v0/…")
	Gateway string // gateway base URL, e.g. http://127.0.0.1:40124 (/ipfs/, /ipns/, /routing/v1/)
	PeerID  string // the node's peer ID (12D3KooW…)
}

// Start initialises a repo as Init does and runs `ipfs daemon --offline`
// on it. It returns once the daemon is ready; the daemon is stopped and
// its repo removed when the test and its subtests end.
func Start(t testing.TB, profiles ...string) *Node {
	t.Helper()
	return Init(t, profiles...).Start(t)
}

// Start runs `ipfs daemon --offline` on the repo, as the package-level
// Start does.
func (r *Repo) Start(t testing.TB) *Node {
	t.Helper()
	return r.start(t, "daemon", "--offline")
}

// start runs the daemon command args on the repo and waits until it is
// ready.
func (r *Repo) start(t testing.TB, args ...string) *Node {
	t.Helper()
	cmd := r.Cmd(args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start kubo daemon: %v", err)
	}
	t.Cleanup(func() { stop(t, cmd) })
	n := &Node{Repo: r}
	ready := make(chan error, 1)
	go func() { ready <- n.scan(out) }()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("kubo daemon: %v\n%s", err, stderr.String())
		}
	case <-time.After(StartTimeout):
		t.Fatalf("kubo daemon not ready after %s\n%s", StartTimeout, stderr.String())
	}
	return n
}

// scan reads the daemon's standard output until "Daemon is ready",
// picking up the listening addresses, then drains the rest.
func (n *Node) scan(out io.Reader) error {
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		var err error
		switch {
		case strings.HasPrefix(line, "PeerID: "):
			n.PeerID = strings.TrimPrefix(line, "PeerID: ")
		case strings.HasPrefix(line, "RPC API server listening on "):
			n.API, err = httpURL(strings.TrimPrefix(line, "RPC API server listening on "))
		case strings.HasPrefix(line, "Gateway server listening on "):
			n.Gateway, err = httpURL(strings.TrimPrefix(line, "Gateway server listening on "))
		case line == "Daemon is ready":
			if n.API == "" || n.Gateway == "" {
				return fmt.Errorf("ready without API (%q) or gateway (%q) address", n.API, n.Gateway)
			}
			go io.Copy(io.Discard, out)
			return nil
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("daemon exited before it was ready (%v)", sc.Err())
}

// httpURL turns a TCP multiaddr the daemon printed into an http:// URL.
func httpURL(s string) (string, error) {
	m, err := ma.NewMultiaddr(strings.TrimSpace(s))
	if err != nil {
		return "", fmt.Errorf("parse address %q: %w", s, err)
	}
	a, err := manet.ToNetAddr(m)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", s, err)
	}
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsLoopback() {
		return "", fmt.Errorf("address %q is not a loopback TCP address", s)
	}
	return "http://" + tcp.String(), nil
}

// stop ends the daemon: SIGTERM to its process group, then SIGKILL if it
// has not exited within five seconds.
func stop(t testing.TB, cmd *exec.Cmd) {
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	pgid := -cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Logf("kubo daemon did not stop on SIGTERM; killing it")
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-done
	}
}
