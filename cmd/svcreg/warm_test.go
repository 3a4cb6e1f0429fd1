package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry/home/warm"
)

// runWarm runs this test binary as svcreg on home, with the warm path on
// or off, and returns stdout, stderr and the exit code.
func runWarm(t *testing.T, home string, on bool, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := svcregCmd(t, home, args...)
	if !on {
		cmd.Env = append(cmd.Env, warm.DisableEnv+"=1")
	}
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func warmHome(t *testing.T) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	mustSvcreg(t, home, "init")
	site := filepath.Join("..", "..", "examples", "say")
	for _, v := range []string{"1.0.0", "1.1.0", "2.0.0-beta.1"} {
		mustSvcreg(t, home, "publish", "say@"+v, site, "--hidden="+map[bool]string{true: "true", false: "false"}[v == "1.1.0"])
	}
	mustSvcreg(t, home, "tag", "say@1.0.0", "stable")
	return home
}

// TestWarmAgreesWithFullPath runs each command line twice, once answered
// by the full command line (which also caches the answer) and once with
// the warm path allowed, and requires the same output and exit code.
func TestWarmAgreesWithFullPath(t *testing.T) {
	home := warmHome(t)
	specs := []string{"say", "say@^1", " say @ ^1 ", "say@1.0.0", "say@stable", "say@latest", "say@2.0.0-beta.1",
		"say@>=1 <2", "say@", "say@@1", "Say", "nosuch", "say@9", "say@1.x", "say@~1.1"}
	for _, spec := range specs {
		for _, args := range [][]string{{"resolve", spec}, {"resolve", spec, "--home", home}, {"--home=" + home, "resolve", spec}} {
			fullOut, fullErr, fullCode := runWarm(t, home, false, nil, args...)
			out, errOut, code := runWarm(t, home, true, nil, args...)
			if out != fullOut || code != fullCode || (code != 0 && errOut != fullErr) {
				t.Errorf("svcreg %q: warm %d %q %q, full %d %q %q", args, code, out, errOut, fullCode, fullOut, fullErr)
			}
		}
	}
}

// TestWarmDashValue: --home followed by a word starting with "-" has no
// value, a usage error on the full path, so the warm path does not answer
// from a home of that name; --home=-x names it.
func TestWarmDashValue(t *testing.T) {
	home := warmHome(t)
	cid := strings.TrimSpace(mustSvcreg(t, home, "resolve", "say")) // caches the answer
	dir := filepath.Dir(home)
	if err := os.Rename(home, filepath.Join(dir, "-home")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if got, ok := warm.Answer([]string{"resolve", "say", "--home=-home"}); !ok || got != cid {
		t.Fatalf("--home=-home: warm answer %q, %v; want %s", got, ok, cid)
	}
	if got, ok := warm.Answer([]string{"resolve", "say", "--home", "-home"}); ok {
		t.Fatalf("--home -home: warm answer %q", got)
	}
	if code := run(t.Context(), []string{"svcreg", "resolve", "say", "--home", "-home"}, io.Discard, io.Discard); code != exitUsage {
		t.Fatalf("--home -home: full path exit %d, want %d", code, exitUsage)
	}
}

// TestWarmRunsBeforeHeavyInit checks that a warm resolve is answered
// before Go initialises go-cid and boxo's gateway (the reason for the
// package), and that a cold one is not.
func TestWarmRunsBeforeHeavyInit(t *testing.T) {
	home := warmHome(t)
	mustSvcreg(t, home, "resolve", "say@^1") // caches the answer
	out, stderr, code := runWarm(t, home, true, []string{"GODEBUG=inittrace=1"}, "resolve", "say@^1")
	if code != 0 || !strings.HasPrefix(out, "bafy") {
		t.Fatalf("warm resolve: exit %d, %q\n%s", code, out, stderr)
	}
	// inittrace lists packages with init work as they finish; the warm
	// package exits inside its init, so it is never listed itself.
	for _, heavy := range []string{"github.com/ipfs/boxo/gateway/assets ", "github.com/prometheus/client_golang/prometheus "} {
		if strings.Contains(stderr, "init "+heavy) {
			t.Errorf("warm resolve initialised %s first:\n%s", heavy, stderr)
		}
	}
	// A cold answer (nothing cached for this query) goes the full way.
	_, stderr, _ = runWarm(t, home, true, []string{"GODEBUG=inittrace=1"}, "resolve", "say@~1.0")
	if !strings.Contains(stderr, "init github.com/ipfs/boxo/gateway/assets ") {
		t.Errorf("a cold resolve did not run the full program")
	}
}

// TestWarmKeyPermissions: the warm path applies the key rule every
// command applies, so a key others can read is refused, not used.
func TestWarmKeyPermissions(t *testing.T) {
	home := warmHome(t)
	mustSvcreg(t, home, "resolve", "say")
	if err := os.Chmod(filepath.Join(home, "key"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runWarm(t, home, true, nil, "resolve", "say")
	if code == 0 || out != "" || !strings.Contains(stderr, "accessible by group or others") {
		t.Fatalf("resolve with a 0644 key: exit %d, %q\n%s", code, out, stderr)
	}
}

// TestWarmStaleHead: after a publish moves the head, the cached answer of
// the old head is never given.
func TestWarmStaleHead(t *testing.T) {
	home := warmHome(t)
	if got := mustSvcreg(t, home, "resolve", "say@^1"); got == "" {
		t.Fatal("no answer")
	}
	site := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "examples", "say"), site)
	if err := os.WriteFile(filepath.Join(site, "v.txt"), []byte("1.2.0"), 0o644); err != nil {
		t.Fatal(err)
	}
	cid := strings.Fields(mustSvcreg(t, home, "publish", "say@1.2.0", site))[1]
	if out, _, _ := runWarm(t, home, true, nil, "resolve", "say@^1"); strings.TrimSpace(out) != cid {
		t.Fatalf("resolve after publish: %q, want %s", out, cid)
	}
}

// maxWarmInits bounds how many packages with init work Go may initialise
// before a warm answer in the binary `go build` makes. On Linux (amd64,
// arm64) registry/home/warm makes its own system calls and imports only
// unsafe and math/bits: 4 when this was written (the runtime's three,
// then crypto/internal/fips140deps/cpu, which sorts before it and is
// ready once math/bits is), 17 when it imported syscall, 104 when it
// imported bbolt, strings and crypto/sha256, 184 before it stopped
// importing crypto/ed25519 and path/filepath (docs/ARCHITECTURE.md).
// Elsewhere it still uses bbolt.
var maxWarmInits = map[bool]int{true: 6, false: 125}[runtime.GOOS == "linux" && (runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64")]

// heavyInits are packages whose init costs the most of what runs before
// the full program, or that wait for much of it; none may run before a
// warm answer. Each entry is a package path or, ending in "/", a prefix.
var heavyInits = []string{
	"github.com/ipfs/", // boxo (its gateway assets), go-cid
	"github.com/ipld/go-ipld-prime/schema/dmt",
	"github.com/ipld/go-ipld-prime/traversal/",
	"github.com/klauspost/cpuid/v2", // CPUID traps to the hypervisor on a virtual machine
	"github.com/libp2p/go-libp2p/",
	"github.com/multiformats/go-multiaddr",
	"github.com/multiformats/go-multihash/register/blake2",
	"github.com/prometheus/",
	"github.com/russross/blackfriday/v2", // urfave/cli's docs
	"google.golang.org/protobuf/reflect/",
	"google.golang.org/protobuf/internal/impl",
	"github.com/svcreg/svcreg/manifest",
	"github.com/svcreg/svcreg/schema",
}

// TestWarmBinaryInitOrder checks the warm path on the program users run,
// not on this test binary (which links more, and in another order): it
// builds svcreg as `make build` does (buildShipped) and reads, with
// GODEBUG=inittrace=1, the packages Go initialised before the answer.
func TestWarmBinaryInitOrder(t *testing.T) {
	bin := buildShipped(t)
	home := warmHome(t)
	want := mustSvcreg(t, home, "resolve", "say@^1") // caches the answer
	cmd := exec.Command(bin, "resolve", "say@^1")
	cmd.Env = append(os.Environ(), "SVCREG_HOME="+home, "GODEBUG=inittrace=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stdout.String() != want {
		t.Fatalf("svcreg resolve: %v, %q, want %q\n%s", err, stdout.String(), want, stderr.String())
	}
	inits := initialised(stderr.String())
	if len(inits) > maxWarmInits {
		t.Errorf("%d packages initialised before the warm answer, want at most %d:\n%s", len(inits), maxWarmInits, strings.Join(inits, "\n"))
	}
	for _, p := range inits {
		for _, h := range heavyInits {
			if p == h || strings.HasSuffix(h, "/") && strings.HasPrefix(p, h) || strings.HasPrefix(p, h+"/") {
				t.Errorf("%s initialised before the warm answer", p)
			}
		}
	}
	// The warm package exits inside its own init, so inittrace lists it
	// only when it leaves the question to the full program, as it must
	// for a cold answer (nothing cached).
	cmd = exec.Command(bin, "resolve", "say@~1.0")
	cmd.Env = append(os.Environ(), "SVCREG_HOME="+home, "GODEBUG=inittrace=1")
	stderr.Reset()
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil || !strings.Contains(stderr.String(), "init github.com/svcreg/svcreg/cmd/svcreg/internal/warm ") {
		t.Errorf("a cold resolve did not run the full program: %v\n%s", err, stderr.String())
	}
}

// initialised returns the packages an inittrace lists, in order.
func initialised(trace string) []string {
	var pkgs []string
	for _, line := range strings.Split(trace, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "init" {
			pkgs = append(pkgs, f[1])
		}
	}
	return pkgs
}
