package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
)

// newRoleKey writes a new role key file and its .pub beside it, as
// init --roles does, and returns the key id.
func newRoleKey(t testing.TB, path string) string {
	t.Helper()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, err := k.PrivKey().Raw()
	if err != nil {
		t.Fatal(err)
	}
	pub := ed25519.PrivateKey(raw).Public().(ed25519.PublicKey)
	if err := os.WriteFile(path+".pub", []byte(hex.EncodeToString(pub)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return trust.KeyID(pub)
}

// TestRootRotation is case 8 of the trust rules, on real processes: the
// publish key is rotated out (root rotate, sign, submit); a release
// signed by it afterwards is refused while earlier releases still
// resolve, the name is unchanged, and a client that resolved before
// follows the rotation, its lock still checking.
func TestRootRotation(t *testing.T) {
	pub, name, roles := rolesPublisher(t)
	g := newGateway(t, pub)
	client := filepath.Join(t.TempDir(), "client")
	want := must(t, pub, "resolve", "tts@1.0.0")
	procMust(t, client, "resolve", "tts", "--registry", name, "--gateway", g.URL)
	project := writeProject(t, name, g.URL)
	procMust(t, client, "lock", "--project", project)

	dir := t.TempDir()
	newKey := filepath.Join(dir, "new.key")
	newID := newRoleKey(t, newKey)
	oldKey, rootKey := filepath.Join(roles, "publish.key"), filepath.Join(roles, "root.key")
	file := filepath.Join(dir, "root.car")
	out := procMust(t, pub, "root", "rotate", "--remove-key", oldKey+".pub", "--add-key", newKey+".pub", "--role", "publish", "-o", file)
	if !strings.Contains(out, "root v2 of "+name) || !strings.Contains(out, "+"+newID) || !strings.Contains(out, "signed by 0 root keys") {
		t.Fatalf("rotate printed\n%s", out)
	}
	// unsigned: refused; signed: refused with the removed publish key
	procFails(t, exitUntrusted, "signature threshold not met", pub, "root", "submit", file, "--key", newKey)
	out = procMust(t, "", "root", "sign", file, "--key", rootKey)
	if !strings.Contains(out, "changes from v1") || !strings.Contains(out, "signed by 1 root keys of v2 (1 needed) and 1 of v1") {
		t.Fatalf("sign printed\n%s", out)
	}
	before, _ := os.ReadFile(file)
	procMust(t, "", "root", "sign", file, "--key", rootKey) // twice counts once
	if after, _ := os.ReadFile(file); string(after) != string(before) {
		t.Fatal("signing twice with one key changed the file")
	}
	procFails(t, exitUntrusted, "signature threshold not met", pub, "root", "submit", file, "--key", oldKey)
	procMust(t, pub, "root", "submit", file, "--key", newKey)

	var shown registry.RootInfo
	if err := json.Unmarshal([]byte(procMust(t, pub, "root", "show", "--json")), &shown); err != nil {
		t.Fatal(err)
	}
	if shown.Version != 2 || shown.Registry != name || len(shown.Roles["publish"].Keys) != 1 || shown.Roles["publish"].Keys[0] != newID {
		t.Fatalf("root show: %+v", shown)
	}
	if got := procMust(t, pub, "name"); !strings.HasPrefix(got, "name: "+name+"\n") {
		t.Fatalf("the name changed: %s, was %s", got, name)
	}
	site := filepath.Join(dir, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("two"), 0o644)
	procFails(t, exitUntrusted, "signature threshold not met", pub, "publish", "tts@1.1.0", site, "--key", oldKey)
	procMust(t, pub, "publish", "tts@1.1.0", site, "--key", newKey)
	if got := procMust(t, pub, "resolve", "tts@1.0.0"); got != want {
		t.Fatalf("tts@1.0.0 resolves to %s, was %s", got, want)
	}

	// the client follows from v1 to v2
	g.snapshot(t, pub)
	if got := procMust(t, client, "resolve", "tts@1.0.0", "--registry", name, "--gateway", g.URL, "--refresh"); got != want {
		t.Fatalf("client: tts@1.0.0 is %s, want %s", got, want)
	}
	procMust(t, client, "resolve", "tts@1.1.0", "--registry", name, "--gateway", g.URL)
	if _, _, rf := floors(t, client, name); rf.Version != 2 {
		t.Fatalf("client's root floor %+v, want v2", rf)
	}
	procMust(t, client, "check", "--project", project)
}
