package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestServeP2P: `svcreg serve --p2p` bootstrapped to an online kubo, on
// loopback, with no replica: the kubo resolves the registry's name
// through the DHT to the node's current root (after a publish too) and
// fetches a release it never had over bitswap, from the node.
func TestServeP2P(t *testing.T) {
	start := time.Now()
	k := kubotest.StartOnline(t)
	home := filepath.Join(t.TempDir(), "home")
	mustSvcreg(t, home, "init")
	site := uniqueSite(t)
	release := strings.Fields(mustSvcreg(t, home, "publish", "say@1.0.0", site))[1]
	if _, err := k.Run("--offline", "block", "stat", release); err == nil {
		t.Fatalf("the kubo holds %s before the test asked for it", release)
	}
	args := []string{"--p2p", "--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--p2p-listen", "/ip4/127.0.0.1/udp/0/quic-v1"}
	for _, a := range k.SwarmAddrs(t) {
		args = append(args, "--bootstrap", a)
	}
	startServer(t, home, args...)
	t.Logf("kubo and svcreg serve --p2p up in %s", time.Since(start).Round(time.Millisecond))

	name, root := nameRoot(t, home)
	step := time.Now()
	waitFor(t, 30*time.Second, "kubo resolves /ipns/"+name, func() bool {
		out, err := k.Run("name", "resolve", "--nocache", "/ipns/"+name)
		return err == nil && strings.TrimSpace(out) == "/ipfs/"+root
	})
	t.Logf("kubo resolved the record from the DHT in %s", time.Since(step).Round(time.Millisecond))

	step = time.Now()
	got := k.MustRun(t, "--timeout=30s", "cat", "/ipfs/"+release+"/index.html")
	want, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("kubo cat index.html: %d bytes, want the %d of the release", len(got), len(want))
	}
	t.Logf("kubo fetched the release over bitswap in %s", time.Since(step).Round(time.Millisecond))
	k.MustRun(t, "--offline", "block", "stat", release) // the check above tells a missing block

	// A change while serving: the new record reaches the DHT.
	if err := os.WriteFile(filepath.Join(site, "v.txt"), []byte("1.1.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	release = strings.Fields(mustSvcreg(t, home, "publish", "say@1.1.0", site))[1]
	_, root = nameRoot(t, home)
	step = time.Now()
	waitFor(t, 30*time.Second, "kubo resolves the new root", func() bool {
		out, err := k.Run("name", "resolve", "--nocache", "/ipns/"+name)
		return err == nil && strings.TrimSpace(out) == "/ipfs/"+root
	})
	t.Logf("kubo resolved the published change in %s", time.Since(step).Round(time.Millisecond))
	if got := k.MustRun(t, "--timeout=30s", "cat", "/ipfs/"+release+"/v.txt"); got != "1.1.0" {
		t.Fatalf("kubo cat v.txt of the new release: %q", got)
	}
	t.Logf("whole test %s", time.Since(start).Round(time.Millisecond))
}

// uniqueSite returns a copy of examples/say with a file no other test
// publishes, so that its blocks are this test's own.
func uniqueSite(t *testing.T) string {
	t.Helper()
	site := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "examples", "say"), site)
	b := make([]byte, 16)
	rand.Read(b)
	if err := os.WriteFile(filepath.Join(site, "nonce.txt"), []byte(hex.EncodeToString(b)), 0o644); err != nil {
		t.Fatal(err)
	}
	return site
}

// nameRoot returns the home's registry name and head root.
func nameRoot(t *testing.T, home string) (name, root string) {
	t.Helper()
	var out struct{ Name, Root string }
	if err := json.Unmarshal([]byte(mustSvcreg(t, home, "name", "--json")), &out); err != nil {
		t.Fatal(err)
	}
	return out.Name, out.Root
}
