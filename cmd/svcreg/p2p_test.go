package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestServeP2P: `svcreg serve --p2p` bootstrapped to an online kubo, on
// loopback, with no replica: the kubo resolves the registry's name
// through the DHT to the node's current root (after a publish too) and
// fetches a release it never had over bitswap, from the node. Once the
// node is stopped, a second kubo still resolves the name from the DHT and
// fetches the release from the first kubo.
func TestServeP2P(t *testing.T) {
	t.Parallel() // it mostly waits for kubo to find records and blocks.
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
	node := startServer(t, home, args...)
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

	// The node stops: a second kubo, which never met it, still resolves
	// the name (the record lives in the DHT) and gets the release from the
	// kubo that fetched it.
	k2 := kubotest.StartOnline(t)
	if _, err := k2.Run("--offline", "block", "stat", release); err == nil {
		t.Fatalf("the second kubo holds %s before the test asked for it", release)
	}
	node.stop(syscall.SIGTERM)
	for _, a := range k.SwarmAddrs(t) {
		k2.MustRun(t, "swarm", "connect", a)
	}
	step = time.Now()
	waitFor(t, 30*time.Second, "the second kubo resolves /ipns/"+name+" without the node", func() bool {
		out, err := k2.Run("name", "resolve", "--nocache", "/ipns/"+name)
		return err == nil && strings.TrimSpace(out) == "/ipfs/"+root
	})
	if got := k2.MustRun(t, "--timeout=30s", "cat", "/ipfs/"+release+"/v.txt"); got != "1.1.0" {
		t.Fatalf("second kubo cat v.txt with the node stopped: %q", got)
	}
	t.Logf("with the node stopped, a second kubo resolved and fetched the release in %s", time.Since(step).Round(time.Millisecond))
	t.Logf("whole test %s", time.Since(start).Round(time.Millisecond))
}

// TestServeFollowP2P: `svcreg serve --follow NAME --p2p` with no
// upstream, bootstrapped to an online kubo on loopback, learns the
// registry that another `svcreg serve --p2p` publishes from the DHT and
// fetches its blocks over bitswap: it serves /svc/say@^1/ byte for byte,
// and /metrics and /healthz count the blocks fetched.
func TestServeFollowP2P(t *testing.T) {
	start := time.Now()
	k := kubotest.StartOnline(t)
	var boot []string
	for _, a := range k.SwarmAddrs(t) {
		boot = append(boot, "--bootstrap", a)
	}
	p2p := append([]string{"--p2p", "--p2p-listen", "/ip4/127.0.0.1/tcp/0"}, boot...)
	dir := t.TempDir()
	home := filepath.Join(dir, "a")
	mustSvcreg(t, home, "init")
	site := uniqueSite(t)
	mustSvcreg(t, home, "publish", "say@1.0.0", site)
	startServer(t, home, p2p...)
	name, root := nameRoot(t, home)
	waitFor(t, 30*time.Second, "kubo resolves /ipns/"+name, func() bool {
		out, err := k.Run("name", "resolve", "--nocache", "/ipns/"+name)
		return err == nil && strings.TrimSpace(out) == "/ipfs/"+root
	})
	t.Logf("kubo and the publishing node up, the record in the DHT, in %s", time.Since(start).Round(time.Millisecond))

	step := time.Now()
	b := startServer(t, filepath.Join(dir, "b"), append([]string{"--follow", name}, p2p...)...)
	want, err := os.ReadFile(filepath.Join(site, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	var code int
	var body string
	waitFor(t, 60*time.Second, "the follower serves /svc/say@^1/", func() bool {
		code, _, body = fetch(t, b.URL()+"/svc/say@%5E1/", "")
		return code == 200
	})
	if body != string(want) {
		t.Fatalf("/svc/say@^1/ on the follower: %d bytes, want the %d of index.html", len(body), len(want))
	}
	t.Logf("the follower served the release in %s", time.Since(step).Round(time.Millisecond))

	_, _, metrics := fetch(t, b.URL()+"/metrics", "")
	m := regexp.MustCompile(`(?m)^svcreg_p2p_blocks_fetched_total (\d+)`).FindStringSubmatch(metrics)
	if m == nil || m[1] == "0" {
		t.Errorf("/metrics: svcreg_p2p_blocks_fetched_total %v, want > 0", m)
	}
	var health struct {
		P2P *struct {
			Peers         int    `json:"peers"`
			ProvidesDone  uint64 `json:"provides_done"`
			BlocksFetched uint64 `json:"blocks_fetched"`
		} `json:"p2p"`
	}
	// The follower provides the followed registry's blocks it holds (it
	// has no registry of its own).
	waitFor(t, 30*time.Second, "the follower provides", func() bool {
		getJSON(t, b.URL()+"/healthz", &health)
		return health.P2P != nil && health.P2P.ProvidesDone > 0
	})
	if health.P2P.BlocksFetched == 0 || health.P2P.Peers == 0 {
		t.Errorf("/healthz p2p: %+v", health.P2P)
	}

	// What docs/CLI.md says of them.
	docs := readDoc(t)
	var raw struct {
		P2P map[string]any `json:"p2p"`
	}
	getJSON(t, b.URL()+"/healthz", &raw)
	checkKeys(t, "/healthz p2p", []map[string]any{raw.P2P}, braceKeys(t, after(t, docs, "| `GET /healthz` with `--p2p` |", "{")))
	para := after(t, docs, "`/metrics` gains the same figures", "")
	para = para[:strings.Index(para, "\n\n")]
	names := regexp.MustCompile(`svcreg_p2p_[a-z_]+`).FindAllString(para, -1)
	if len(names) < 6 {
		t.Errorf("docs/CLI.md names %d p2p metrics: %v", len(names), names)
	}
	for _, n := range names {
		if !regexp.MustCompile(`(?m)^` + n + `[{ ]`).MatchString(metrics) {
			t.Errorf("/metrics has no %s", n)
		}
	}
	t.Logf("whole test %s", time.Since(start).Round(time.Millisecond))
}

// TestServeProvideAll: with `--provide all` the node provides every
// block it serves, not only the roots: a kubo that holds only a
// release's directory finds the node as the provider of a file in it.
// `--provide` needs --p2p and takes roots or all.
func TestServeProvideAll(t *testing.T) {
	start := time.Now()
	fails(t, exitUsage, "--provide needs --p2p", t.TempDir(), "serve", "--provide", "all", "--listen", "127.0.0.1:0")
	fails(t, exitUsage, "want roots or all", t.TempDir(), "serve", "--p2p", "--provide", "some", "--listen", "127.0.0.1:0")

	k := kubotest.StartOnline(t)
	home := filepath.Join(t.TempDir(), "home")
	mustSvcreg(t, home, "init")
	release := strings.Fields(mustSvcreg(t, home, "publish", "say@1.0.0", uniqueSite(t)))[1]
	args := []string{"--p2p", "--p2p-listen", "/ip4/127.0.0.1/tcp/0", "--provide", "all"}
	for _, a := range k.SwarmAddrs(t) {
		args = append(args, "--bootstrap", a)
	}
	s := startServer(t, home, args...)
	var health struct {
		P2P *struct {
			Provide         string `json:"provide"`
			ProvidesDone    uint64 `json:"provides_done"`
			ProvidesPending int    `json:"provides_pending"`
		} `json:"p2p"`
	}
	waitFor(t, 30*time.Second, "every block provided", func() bool {
		getJSON(t, s.URL()+"/healthz", &health)
		return health.P2P != nil && health.P2P.ProvidesDone > 0 && health.P2P.ProvidesPending == 0
	})
	if health.P2P.Provide != "all" {
		t.Errorf("/healthz p2p provide %q, want all", health.P2P.Provide)
	}
	t.Logf("%d CIDs provided in %s", health.P2P.ProvidesDone, time.Since(start).Round(time.Millisecond))

	// The release's directory, fetched from the node; its files are not.
	var file string
	for _, line := range strings.Split(k.MustRun(t, "--timeout=30s", "ls", "--resolve-type=false", "--size=false", release), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[1] == "index.html" {
			file = f[0]
		}
	}
	if file == "" {
		t.Fatalf("no index.html in the release %s", release)
	}
	self := strings.TrimSpace(k.MustRun(t, "id", "-f", "<id>"))
	waitFor(t, 30*time.Second, "kubo finds a provider of index.html", func() bool {
		out, err := k.Run("routing", "findprovs", "--num-providers=1", file)
		p := strings.TrimSpace(out)
		return err == nil && p != "" && p != self
	})
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
