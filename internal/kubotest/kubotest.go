// Package kubotest runs a real kubo (go-ipfs) for tests: a throwaway repo
// and, with Start, an offline daemon listening on loopback only.
//
// The kubo binary is $KUBO (the Makefile sets it), else .cache/bin/ipfs
// under the module root (`make kubo` builds it there). When neither exists
// the test fails with "run make kubo": interop tests never skip silently.
//
//	func TestWithKubo(t *testing.T) {
//		node := kubotest.Start(t) // one daemon for the whole test; reuse it in subtests
//		out := node.MustRun(t, "add", "-Q", "-r", dir)
//		resp, _ := http.Get(node.Gateway + "/ipfs/" + strings.TrimSpace(out) + "/")
//		...
//	}
//
// Repos are created with `ipfs init --profile test` (plus any profiles
// given, e.g. "unixfs-v0-2015") in t.TempDir(), so they use loopback
// addresses, no bootstrap peers and no mDNS. Start runs `ipfs daemon
// --offline` with the API and gateway on free loopback ports (port 0, read
// back from the daemon's output) and stops it when the test ends.
//
// kubo sets its UnixFS import globals (HAMT threshold and estimation) once
// at daemon start-up, so pass import profiles to Init or Start rather than
// applying them to a running daemon.
package kubotest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a kubo repository (IPFS_PATH) and the binary to run on it.
type Repo struct {
	Dir string // IPFS_PATH
	Bin string // the ipfs binary
}

// Binary returns the path of the kubo binary: $KUBO, else
// .cache/bin/ipfs under the module root. It fails the test when there is
// none.
func Binary(t testing.TB) string {
	t.Helper()
	if k := os.Getenv("KUBO"); k != "" {
		if _, err := os.Stat(k); err != nil {
			t.Fatalf("KUBO=%s: %v (run make kubo)", k, err)
		}
		return k
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("find the kubo binary: %v (set KUBO or run make kubo)", err)
	}
	bin := filepath.Join(root, ".cache", "bin", "ipfs")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("no kubo binary at %s and KUBO is not set: run make kubo", bin)
	}
	return bin
}

// moduleRoot returns the nearest directory at or above the working
// directory that holds a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Init creates a repo with `ipfs init --profile test[,profiles…]` in a
// temporary directory removed when the test ends.
func Init(t testing.TB, profiles ...string) *Repo {
	t.Helper()
	r := &Repo{Dir: filepath.Join(t.TempDir(), "ipfs"), Bin: Binary(t)}
	profile := strings.Join(append([]string{"test"}, profiles...), ",")
	r.MustRun(t, "init", "--empty-repo", "--profile", profile)
	return r
}

// Cmd returns an ipfs command on the repo: IPFS_PATH is set and the rest of
// the environment is the test's. While a daemon runs on the repo, the
// command talks to it.
func (r *Repo) Cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(r.Bin, args...)
	cmd.Env = append(os.Environ(), "IPFS_PATH="+r.Dir)
	return cmd
}

// Run runs ipfs with args and returns its standard output. The error
// includes the standard error.
func (r *Repo) Run(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := r.Cmd(args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("ipfs %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// MustRun is Run that fails the test t on error.
func (r *Repo) MustRun(t testing.TB, args ...string) string {
	t.Helper()
	out, err := r.Run(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
