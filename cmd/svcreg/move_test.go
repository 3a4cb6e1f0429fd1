package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
)

// newIPNSKey makes the key of a new name in a throwaway home, as an
// owner does before 'svcreg move', and returns its path and name.
func newIPNSKey(t testing.TB) (path, name string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "new")
	name = procMust(t, dir, "init")
	return filepath.Join(dir, keyFile), name
}

// readProject decodes the project file at path.
func readProject(t testing.TB, path string) *manifest.Project {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := manifest.DecodeProject(f)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readLockFile decodes the lock file at path.
func readLockFile(t testing.TB, path string) (*manifest.Lock, []byte) {
	t.Helper()
	l, data, err := readLock(path)
	if err != nil {
		t.Fatal(err)
	}
	return l, data
}

// TestMoveStolenIPNSKey is case 9 of the trust rules on real processes:
// the thief of the IPNS key burns the name with a record at the highest
// sequence for a manifest with a swapped release. Locked clients stay on
// their lock and are told why (check and lock pass with a warning,
// resolve exits 19). The owner moves the registry to a new name; the old
// name's final record points at the move: check and install exit 21
// (moved), resolve names the new name, lock follows it (svcreg.json and
// svcreg.lock name the new registry, the lock's root is the move's) and
// check passes again.
func TestMoveStolenIPNSKey(t *testing.T) {
	pub, name, roles := rolesPublisher(t)
	gOld, gNew := newGateway(t, pub), newGateway(t, pub) // gNew serves the new name after the move
	dir := t.TempDir()
	client := filepath.Join(dir, "client")
	project := writeProject(t, name, gOld.URL, gNew.URL)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	procMust(t, client, "lock", "--project", project)
	_, lockBefore := readLockFile(t, lockPath)
	want := procMust(t, pub, "resolve", "tts@1.0.0")
	head, _, _ := floors(t, client, name)

	// the thief burns the name
	forged := forgeSwap(t, gOld, pub, name)
	burnt := signWith(t, pub, forged.Root, math.MaxUint64)
	gOld.record.Store(&burnt)
	gNew.record.Store(&burnt)
	out := procMust(t, client, "check", "--project", project, "--refresh")
	if !strings.Contains(out, "registry name burnt") || !strings.Contains(out, "the lock stays as it is") {
		t.Fatalf("check of a burnt name:\n%s", out)
	}
	r := proc(t, client, "lock", "--project", project, "--refresh")
	if r.code != 0 || !strings.Contains(r.stderr, "registry name burnt") {
		t.Fatalf("lock of a burnt name: exit %d\n%s", r.code, r.stderr)
	}
	procFails(t, exitUntrusted, "its name burnt", client, "resolve", "tts", "--registry", name, "--gateway", gOld.URL, "--refresh")
	if _, after := readLockFile(t, lockPath); string(after) != string(lockBefore) {
		t.Fatalf("the burnt name changed the lock:\n%s", after)
	}
	if h, _, _ := floors(t, client, name); h.Seq != head.Seq || !h.Root.Equals(head.Root) {
		t.Fatalf("the burnt name moved the head to seq %d", h.Seq)
	}

	// the owner moves the registry
	newKey, newName := newIPNSKey(t)
	out = procMust(t, pub, "move", "--to", newKey, "--key", filepath.Join(roles, "root.key"), "--publish-key", filepath.Join(roles, "publish.key"))
	if !strings.Contains(out, "moved "+name+" to "+newName+": root v2") {
		t.Fatalf("move:\n%s", out)
	}
	if got := procMust(t, pub, "name"); !strings.HasPrefix(got, "name: "+newName+"\n") {
		t.Fatalf("the home's name after the move: %s", got)
	}
	if got := procMust(t, pub, "resolve", "tts@1.0.0"); got != want {
		t.Fatalf("tts@1.0.0 under the new name: %s, want %s", got, want)
	}
	final, err := os.ReadFile(filepath.Join(pub, "records", name))
	if err != nil {
		t.Fatal(err)
	}
	gOld.record.Store(&final)
	gNew.snapshot(t, pub)

	procFails(t, exitMoved, "moved to "+newName, client, "check", "--project", project, "--refresh")
	procFails(t, exitMoved, "moved to "+newName, client, "install", "--project", project, "--refresh", "-o", filepath.Join(dir, "out"))
	r = procFails(t, exitMoved, "moved to "+newName, client, "resolve", "tts", "--registry", name, "--gateway", gOld.URL, "--refresh")
	if !strings.Contains(r.stderr, "hint: the registry's owner moved it to "+newName) {
		t.Fatalf("resolve of the old name: no hint naming the new one\n%s", r.stderr)
	}

	r = proc(t, client, "lock", "--project", project, "--refresh")
	if r.code != 0 || !strings.Contains(r.stderr, "registry "+name+" moved to "+newName) {
		t.Fatalf("lock after the move: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if p := readProject(t, project); p.Registry != newName {
		t.Fatalf("svcreg.json names %s after lock, want %s", p.Registry, newName)
	}
	l, _ := readLockFile(t, lockPath)
	if l.Registry != newName || l.Trust == nil || l.Trust.Version != 2 || l.Services["tts"].CID.String() != want {
		t.Fatalf("the lock after the move: %+v", l)
	}
	procMust(t, client, "check", "--project", project, "--refresh")
	procMust(t, client, "install", "--project", project, "-o", filepath.Join(dir, "out"))
	if _, err := os.Stat(filepath.Join(pub, "key."+name)); err != nil {
		t.Fatalf("the old key is not kept: %v", err)
	}
}
