package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// proc runs svcreg as a process of its own (this test binary as svcreg).
func proc(t testing.TB, home string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := svcregCmd(t, home, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// procMust is must for proc.
func procMust(t testing.TB, home string, args ...string) string {
	t.Helper()
	r := proc(t, home, args...)
	if r.code != 0 {
		t.Fatalf("svcreg %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// procFails is fails for proc.
func procFails(t testing.TB, code int, stderr, home string, args ...string) result {
	t.Helper()
	r := proc(t, home, args...)
	if r.code != code || !strings.Contains(r.stderr, stderr) {
		t.Fatalf("svcreg %s: exit %d, want %d with %q\n%s", strings.Join(args, " "), r.code, code, stderr, r.stderr)
	}
	return r
}

// rolesPublisher makes a home with a registry started by init --roles:
// tts 1.0.0 and web 2.0.0, published with the publish key. It returns
// the home, the registry's name and the roles directory.
func rolesPublisher(t testing.TB) (home, name, roles string) {
	t.Helper()
	dir := t.TempDir()
	home, roles = filepath.Join(dir, "pub"), filepath.Join(dir, "offline")
	for sub, content := range map[string]string{"a": "one", "w": "web"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		os.WriteFile(filepath.Join(dir, sub, "index.html"), []byte(content), 0o644)
	}
	r := proc(t, home, "init", "--roles", roles)
	if r.code != 0 || !strings.Contains(r.stderr, "move it offline") {
		t.Fatalf("init --roles: exit %d\n%s", r.code, r.stderr)
	}
	name = strings.TrimSpace(r.stdout)
	for _, f := range []string{"root.key", "publish.key"} {
		fi, err := os.Stat(filepath.Join(roles, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi, err)
		}
		if _, err := os.Stat(filepath.Join(roles, f+".pub")); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(home, f)); err == nil {
			t.Fatalf("the home holds %s", f)
		}
	}
	procFails(t, exitUsage, "pass its publish key with --key", home, "publish", "tts@1.0.0", filepath.Join(dir, "a"))
	key := filepath.Join(roles, "publish.key")
	procMust(t, home, "publish", "tts@1.0.0", filepath.Join(dir, "a"), "--key", key)
	procMust(t, home, "publish", "web@2.0.0", filepath.Join(dir, "w"), "--key", key)
	return home, name, roles
}

// floors reads the head, the seq floor and the root floor of name in home.
func floors(t testing.TB, home, name string) (registry.Head, uint64, registry.RootFloor) {
	t.Helper()
	ix, err := bolt.Open(filepath.Join(home, indexFile), &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	h, err := ix.Head(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := ix.Floor(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	rf, err := ix.RootFloor(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	return h, fl, rf
}

// TestRolesStolenIPNSKey is case 1 of the trust rules: the home's IPNS
// key, stolen, signs a record for a manifest with a higher seq and a
// swapped release CID but no publish signature, offered by a gateway.
// resolve and lock refuse it with exit 19, and the client's head, floors
// and lock stay as they were.
func TestRolesStolenIPNSKey(t *testing.T) {
	pub, name, _ := rolesPublisher(t)
	g := newGateway(t, pub)
	client := filepath.Join(t.TempDir(), "client")
	want := must(t, pub, "resolve", "tts")
	if got := procMust(t, client, "resolve", "tts", "--registry", name, "--gateway", g.URL); got != want {
		t.Fatalf("client resolved %s, the publisher %s", got, want)
	}
	project := writeProject(t, name, g.URL)
	procMust(t, client, "lock", "--project", project)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	lockBefore, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	head, floor, root := floors(t, client, name)
	if !root.Root.Defined() || root.Version != 1 {
		t.Fatalf("client's root floor %+v, want v1 (trust on first use)", root)
	}

	// the thief's manifest: tts@1.0.0 swapped for other content
	rec := forgeSwap(t, g, pub, name).Record
	g.record.Store(&rec)

	r := procFails(t, exitUntrusted, "signature threshold not met", client, "resolve", "tts", "--registry", name, "--gateway", g.URL, "--refresh", "--json")
	if !strings.Contains(r.stdout+r.stderr, `"untrusted"`) {
		t.Fatalf("resolve --json: no class untrusted\n%s%s", r.stdout, r.stderr)
	}
	procFails(t, exitUntrusted, "signature threshold not met", client, "lock", "--project", project, "--refresh")
	// a fresh home, trusting on first use, refuses it too
	procFails(t, exitUntrusted, "signature threshold not met", filepath.Join(t.TempDir(), "fresh"), "resolve", "tts", "--registry", name, "--gateway", g.URL)

	h2, floor2, root2 := floors(t, client, name)
	if !h2.Root.Equals(head.Root) || h2.Seq != head.Seq || floor2 != floor || root2 != root {
		t.Fatalf("the forged manifest moved the client: head %d %s floor %d root %+v, was %d %s %d %+v",
			h2.Seq, h2.Root, floor2, root2, head.Seq, head.Root, floor, root)
	}
	if lockAfter, _ := os.ReadFile(lockPath); string(lockAfter) != string(lockBefore) {
		t.Fatalf("the lock changed:\n%s\nwas\n%s", lockAfter, lockBefore)
	}
	if got := procMust(t, client, "resolve", "tts", "--registry", name, "--offline"); got != want {
		t.Fatalf("client resolves %s offline, want %s", got, want)
	}
}
