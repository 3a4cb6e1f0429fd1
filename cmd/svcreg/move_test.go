package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/kubotest"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/project"
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
	lf, err := project.ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	return lf.Lock, lf.Data
}

// TestMoveStolenIPNSKey is case 9 of the trust rules on real processes:
// the thief of the IPNS key burns the name with a record at the highest
// sequence for a manifest with a swapped release. Locked clients stay on
// their lock and are told why (check and lock pass with a warning,
// resolve exits 19). The owner moves the registry to a new name, and the
// owner's node (svcreg serve) serves the old name's final record, which
// points at the move, and the new name: check and install exit 21
// (moved), resolve names the new name, lock follows it (svcreg.json and
// svcreg.lock name the new registry, the lock's root is the move's) and
// check and install pass again.
func TestMoveStolenIPNSKey(t *testing.T) {
	pub, name, roles := rolesPublisher(t)
	gOld := newGateway(t, pub)
	dir := t.TempDir()
	client := filepath.Join(dir, "client")
	project := writeProject(t, name, gOld.URL)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	procMust(t, client, "lock", "--project", project)
	_, lockBefore := readLockFile(t, lockPath)
	want := procMust(t, pub, "resolve", "tts@1.0.0")
	head, _, _ := floors(t, client, name)

	// the thief burns the name
	forged := forgeSwap(t, gOld, pub, name)
	burnt := signWith(t, pub, forged.Root, math.MaxUint64)
	gOld.record.Store(&burnt)
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
	if _, err := os.Stat(filepath.Join(pub, "records", name)); err != nil {
		t.Fatalf("no final record in the home: %v", err)
	}
	// the owner's node serves the old name's final record and the new name
	node := startServer(t, pub)
	gw := []string{"--gateway", node.URL()}

	procFails(t, exitMoved, "moved to "+newName, client, append([]string{"check", "--project", project, "--refresh"}, gw...)...)
	procFails(t, exitMoved, "moved to "+newName, client, append([]string{"install", "--project", project, "--refresh", "-o", filepath.Join(dir, "out")}, gw...)...)
	r = procFails(t, exitMoved, "moved to "+newName, client, "resolve", "tts", "--registry", name, "--gateway", node.URL(), "--refresh")
	if !strings.Contains(r.stderr, "hint: the registry's owner moved it to "+newName) {
		t.Fatalf("resolve of the old name: no hint naming the new one\n%s", r.stderr)
	}

	r = proc(t, client, append([]string{"lock", "--project", project, "--refresh"}, gw...)...)
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
	procMust(t, client, append([]string{"check", "--project", project, "--refresh"}, gw...)...)
	procMust(t, client, append([]string{"install", "--project", project, "-o", filepath.Join(dir, "out")}, gw...)...)
	if _, err := os.Stat(filepath.Join(pub, "key."+name)); err != nil {
		t.Fatalf("the old key is not kept: %v", err)
	}
}

// TestMoveNotDescending is case 9's last rule on real processes: the
// thief of the IPNS key makes a Root of their own for the name, moves it
// to a name of theirs and signs a final record for that move. A client
// whose lock records the real Root refuses to follow it (lock, check:
// exit 20; the lock and svcreg.json unchanged), and so does a fresh home
// with the same lock, which has never seen the registry's Root.
func TestMoveNotDescending(t *testing.T) {
	pub, name, _ := rolesPublisher(t)
	g := newGateway(t, pub)
	dir := t.TempDir()
	client := filepath.Join(dir, "client")
	project := writeProject(t, name, g.URL)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	procMust(t, client, "lock", "--project", project)
	_, lockBefore := readLockFile(t, lockPath)
	projectBefore, _ := os.ReadFile(project)

	_, thiefName := newIPNSKey(t)
	final := signWith(t, pub, thiefMove(t, g, name, thiefName), math.MaxUint64)
	g.record.Store(&final)

	procFails(t, exitRootDiverged, "does not descend", client, "lock", "--project", project, "--refresh")
	procFails(t, exitRootDiverged, "does not descend", client, "check", "--project", project, "--refresh")
	fresh := filepath.Join(dir, "fresh")
	procFails(t, exitRootDiverged, "does not descend", fresh, "check", "--project", project)
	procFails(t, exitRootDiverged, "does not descend", fresh, "lock", "--project", project)
	if _, after := readLockFile(t, lockPath); string(after) != string(lockBefore) {
		t.Fatalf("the lock changed:\n%s", after)
	}
	if after, _ := os.ReadFile(project); string(after) != string(projectBefore) {
		t.Fatalf("svcreg.json changed:\n%s", after)
	}
}

// thiefMove stores in g's blocks a move of name to thiefName made by a
// thief: a Root v1 of name with the thief's key in both roles, its v2
// naming thiefName, and the Moved block, all signed by that key. It
// returns the Moved block's CID.
func thiefMove(t testing.TB, g *testGateway, name, thiefName string) cid.Cid {
	t.Helper()
	ctx := context.Background()
	_, thief, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pk := thief.Public().(ed25519.PublicKey)
	ch := registry.RootChange{Expires: time.Now().Add(time.Hour),
		Add: []registry.RoleKey{{Role: trust.RoleRoot, Key: pk}, {Role: trust.RolePublish, Key: pk}}}
	v1, err := registry.NewRoot(name, ch, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	sr1 := &trust.SignedRoot{Root: *v1}
	if _, err := registry.SignRoot(sr1, nil, thief); err != nil {
		t.Fatal(err)
	}
	b1, err := trust.EncodeSignedRoot(sr1)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := registry.NextRoot(sr1, b1.CID, registry.RootChange{Expires: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	v2.Registry = thiefName
	m := &registry.Move{Prev: sr1, Root: &trust.SignedRoot{Root: *v2}, Moved: &trust.Moved{From: name, To: thiefName}}
	if _, err := m.Sign(thief); err != nil || m.MovedSigned() != 1 {
		t.Fatalf("sign the thief's move: %v", err)
	}
	b2, err := trust.EncodeSignedRoot(m.Root)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := trust.EncodeMoved(m.Moved)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []manifest.Block{b1, b2, mb} {
		if err := g.blocks.Put(ctx, b.CID, b.Data); err != nil {
			t.Fatal(err)
		}
	}
	return mb.CID
}

// TestMoveOffline: a registry whose Root needs two root keys moves
// through a move file: 'move -o', then 'root sign' by each holder — the
// Root first, then the Moved block once the Root has both thresholds —
// and 'move --submit'. A submit before the Moved block has its threshold
// is refused (exit 19) and changes nothing.
func TestMoveOffline(t *testing.T) {
	pub, name, roles := rolesPublisher(t)
	dir := t.TempDir()
	rootKey, publishKey := filepath.Join(roles, "root.key"), filepath.Join(roles, "publish.key")
	second := filepath.Join(dir, "second.key")
	newRoleKey(t, second)
	file := filepath.Join(dir, "root.car")
	procMust(t, pub, "root", "rotate", "--add-key", second+".pub", "--role", "root", "--threshold", "root=2", "-o", file)
	procMust(t, "", "root", "sign", file, "--key", rootKey)
	procMust(t, "", "root", "sign", file, "--key", second)
	procMust(t, pub, "root", "submit", file, "--key", publishKey)

	newKey, newName := newIPNSKey(t)
	move := filepath.Join(dir, "move.car")
	procMust(t, pub, "move", "--to", newKey, "-o", move)
	for i, step := range []struct {
		key, want string
	}{
		{rootKey, "root signed by 1 keys of v3 and 1 of v2; moved signed by 0 root keys"},
		{second, "root signed by 2 keys of v3 and 2 of v2; moved signed by 1 root keys"},
		{rootKey, "root signed by 2 keys of v3 and 2 of v2; moved signed by 2 root keys"},
	} {
		if i == 2 {
			procFails(t, exitUntrusted, "signature threshold not met", pub, "move", "--submit", move, "--to", newKey, "--publish-key", publishKey)
		}
		if out := procMust(t, "", "root", "sign", move, "--key", step.key); !strings.Contains(out, step.want) {
			t.Fatalf("root sign %d:\n%s\nwant %q", i+1, out, step.want)
		}
	}
	if got := procMust(t, pub, "name"); !strings.HasPrefix(got, "name: "+name+"\n") {
		t.Fatalf("a refused move changed the name: %s", got)
	}
	out := procMust(t, pub, "move", "--submit", move, "--to", newKey, "--publish-key", publishKey, "--json")
	var mo moveOut
	if err := json.Unmarshal([]byte(out), &mo); err != nil || mo.From != name || mo.To != newName || mo.RootVersion != 3 || mo.MovedSigned != 2 || mo.Seq != 1 {
		t.Fatalf("move --submit --json: %v\n%s", err, out)
	}
	if got := procMust(t, pub, "name"); !strings.HasPrefix(got, "name: "+newName+"\n") {
		t.Fatalf("the name after the move: %s", got)
	}

	procFails(t, exitConflict, "new key's name", pub, "move", "--submit", move, "--to", newKey, "--publish-key", publishKey)
	procMust(t, pub, "fsck")

	// gc keeps the Moved block, which only the final record reaches
	procMust(t, pub, "gc", "--grace", "0s")
	raw, err := os.ReadFile(filepath.Join(pub, "records", name))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := ipns.Verify(name, raw, time.Now())
	if err != nil || rec.Seq != math.MaxUint64 {
		t.Fatalf("the final record: %+v %v", rec, err)
	}
	bs, err := flatfs.Open(filepath.Join(pub, blocksDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	if data, err := bs.Get(context.Background(), rec.Value); err != nil {
		t.Fatalf("the Moved block after gc: %v", err)
	} else if mv, err := trust.DecodeMoved(data); err != nil || mv.To != newName {
		t.Fatalf("the final record points at %+v, %v", mv, err)
	}
}

// TestMovePushKubo: after a move, push sends the new name and the old
// name's final record to kubo; a client reading the old name from kubo's
// gateway is told it moved (exit 21) and reads the new name there.
func TestMovePushKubo(t *testing.T) {
	node := kubotest.Start(t)
	pub, name, roles := rolesPublisher(t)
	newKey, newName := newIPNSKey(t)
	procMust(t, pub, "move", "--to", newKey, "--key", filepath.Join(roles, "root.key"), "--publish-key", filepath.Join(roles, "publish.key"))
	r := proc(t, pub, "push", "--kubo", node.API)
	if r.code != 0 || !strings.Contains(r.stderr, "the final record of "+name+" (moved) is on") || !strings.Contains(r.stdout, "of "+newName) {
		t.Fatalf("push: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	client := filepath.Join(t.TempDir(), "client")
	procFails(t, exitMoved, "moved to "+newName, client, "resolve", "tts", "--registry", name, "--gateway", node.Gateway)
	want := procMust(t, pub, "resolve", "tts@1.0.0")
	if got := procMust(t, client, "resolve", "tts@1.0.0", "--registry", newName, "--gateway", node.Gateway); got != want {
		t.Fatalf("tts@1.0.0 of the new name from kubo: %s, want %s", got, want)
	}
	if r := proc(t, pub, "push", "--kubo", node.API); r.code != 0 || !strings.Contains(r.stderr, "the final record of "+name) {
		t.Fatalf("push again: exit %d\n%s", r.code, r.stderr)
	}
}
