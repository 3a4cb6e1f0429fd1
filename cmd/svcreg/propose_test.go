package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

// thresholdPublisher makes a home whose registry's Root asks for 2 of 3
// publish keys, through the library (the root commands make such Roots
// too). It returns the home, the registry's name and the three publish
// key files.
func thresholdPublisher(t testing.TB) (home, name string, keys []string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	home = filepath.Join(dir, "pub")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	newKey := func(path string) ed25519.PrivateKey {
		k, err := ipns.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Save(path); err != nil {
			t.Fatal(err)
		}
		priv, err := svchome.LoadRoleKey(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return priv
	}
	newKey(svchome.Layout(home).KeyPath())
	rootKey := newKey(filepath.Join(dir, "root.key"))
	rp := rootKey.Public().(ed25519.PublicKey)
	h, err := svchome.Open(home, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	reg, err := h.Signing(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := trust.Root{Registry: reg.Name(), Version: 1, Expires: time.Now().Add(24 * time.Hour).Truncate(time.Second),
		MaxRecordLifetime: ipns.MaxLifetime, Keys: map[string]ed25519.PublicKey{trust.KeyID(rp): rp}}
	var ids []string
	var signers []registry.PublishKey
	for i := range 3 {
		path := filepath.Join(dir, "publish"+string(rune('1'+i))+".key")
		priv := newKey(path)
		pub := priv.Public().(ed25519.PublicKey)
		r.Keys[trust.KeyID(pub)] = pub
		ids = append(ids, trust.KeyID(pub))
		keys = append(keys, path)
		signers = append(signers, registry.Ed25519PublishKey(priv))
	}
	slices.Sort(ids)
	r.Roles = map[string]trust.Role{
		trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(rp)}, Threshold: 1},
		trust.RolePublish: {KeyIDs: ids, Threshold: 2},
	}
	sig, err := trust.SignRoot(rootKey, &r)
	if err != nil {
		t.Fatal(err)
	}
	reg.UsePublishKeys(signers[:2]...)
	if _, err := reg.InitRoot(ctx, &trust.SignedRoot{Root: r, Signatures: []trust.Signature{sig}}); err != nil {
		t.Fatal(err)
	}
	return home, reg.Name(), keys
}

// TestThresholdPublishFlow is case 10 of the trust rules: a registry
// whose Root asks for 2 of 3 publish keys changes through --propose,
// sign by each holder (offline, without a home) and submit; one
// signature, or one key twice, is refused; a client then resolves the new
// release. A second proposal from the same head is stale once the first
// is submitted, and a tampered change file is refused.
func TestThresholdPublishFlow(t *testing.T) {
	pub, name, keys := thresholdPublisher(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	os.MkdirAll(site, 0o755)
	os.WriteFile(filepath.Join(site, "index.html"), []byte("two of three"), 0o644)
	change := filepath.Join(dir, "change.car")
	noHome := filepath.Join(dir, "no-home") // sign needs none

	procFails(t, exitUntrusted, "1 of 2 keys signed", pub, "publish", "tts@1.0.0", site, "--key", keys[0])
	procFails(t, exitUsage, "--propose needs -o", pub, "publish", "tts@1.0.0", site, "--propose")
	before := headOf(t, pub, name)
	r := proc(t, pub, "publish", "tts@1.0.0", site, "--propose", "-o", change)
	if r.code != 0 || !strings.HasPrefix(r.stdout, "tts@1.0.0 bafy") || !strings.Contains(r.stderr, "+ tts@1.0.0 bafy") ||
		!strings.Contains(r.stderr, "0 of 2 publish signatures") {
		t.Fatalf("publish --propose: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	content := strings.Fields(r.stdout)[1]
	if h := headOf(t, pub, name); h.Seq != before.Seq || !h.Root.Equals(before.Root) {
		t.Fatalf("--propose moved the head to seq %d", h.Seq)
	}

	r = proc(t, noHome, "sign", change, "--key", keys[0])
	if r.code != 0 || !strings.Contains(r.stderr, "seq 2") || !strings.Contains(r.stderr, "+ tts@1.0.0 "+content) ||
		!strings.Contains(r.stderr, "1 of 2 publish signatures") || !strings.Contains(r.stderr, "svcreg: signed seq 2 of "+name) {
		t.Fatalf("sign with key 1: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(noHome); err == nil {
		t.Fatal("sign made a home")
	}
	procFails(t, exitUntrusted, "1 of 2 keys signed", pub, "submit", change)
	procFails(t, exitUntrusted, "1 of 2 keys signed", pub, "submit", change) // the refusal stored nothing that matters
	r = procFails(t, 0, "already signed (counted once)", noHome, "sign", change, "--key", keys[0])
	if !strings.Contains(r.stderr, "1 of 2 publish signatures") {
		t.Fatalf("key 1 twice:\n%s", r.stderr)
	}
	procFails(t, exitUntrusted, "1 of 2 keys signed", pub, "submit", change)
	other := filepath.Join(dir, "other.key")
	k, _ := ipns.GenerateKey(rand.Reader)
	k.Save(other)
	procFails(t, exitUntrusted, "not a publish key of root v1", noHome, "sign", change, "--key", other)
	if h := headOf(t, pub, name); h.Seq != before.Seq {
		t.Fatalf("a refused submit moved the head to seq %d", h.Seq)
	}

	r = procFails(t, 0, "ready: run 'svcreg submit", noHome, "sign", change, "--key", keys[2])
	if !strings.Contains(r.stderr, "2 of 2 publish signatures") {
		t.Fatalf("sign with key 3:\n%s", r.stderr)
	}
	out := procMust(t, pub, "submit", change)
	head := headOf(t, pub, name)
	if head.Seq != 2 || out != "seq 2 "+head.Root.String() {
		t.Fatalf("submit printed %q; head seq %d %s", out, head.Seq, head.Root)
	}
	procFails(t, exitConflict, "stale proposal", pub, "submit", change)

	g := newGateway(t, pub)
	client := filepath.Join(t.TempDir(), "client")
	if got := procMust(t, client, "resolve", "tts", "--registry", name, "--gateway", g.URL); got != content {
		t.Fatalf("client resolved %q, want %s", got, content)
	}

	// two proposals from seq 2: the second one submitted is stale
	tagFile, yankFile := filepath.Join(dir, "tag.car"), filepath.Join(dir, "yank.car")
	procMust(t, pub, "tag", "tts@1.0.0", "stable", "--propose", "-o", tagFile, "--key", keys[1])
	procMust(t, pub, "yank", "tts@1.0.0", "--reason", "too loud", "--propose", "-o", yankFile)
	var sum struct {
		Registry  string   `json:"registry"`
		Seq       uint64   `json:"seq"`
		SignedBy  []string `json:"signed_by"`
		Threshold int      `json:"threshold"`
		Ready     bool     `json:"ready"`
		Changes   []struct {
			Op, Text string
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(procMust(t, noHome, "sign", tagFile, "--key", keys[2], "--json")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Registry != name || sum.Seq != 3 || len(sum.SignedBy) != 2 || sum.Threshold != 2 || !sum.Ready ||
		len(sum.Changes) != 1 || sum.Changes[0].Op != "tag" || sum.Changes[0].Text != "tag tts stable → 1.0.0" {
		t.Fatalf("sign --json: %+v", sum)
	}
	r = procFails(t, 0, `yank tts@1.0.0 ("too loud")`, noHome, "sign", yankFile, "--key", keys[0])
	procMust(t, noHome, "sign", yankFile, "--key", keys[1])
	procMust(t, pub, "submit", tagFile)
	procFails(t, exitConflict, "propose again", pub, "submit", yankFile)

	// a changed byte in a block of the file: refused, the file kept
	data, err := os.ReadFile(yankFile)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), "too loud")
	if i < 0 {
		t.Fatal("no yank reason in the change file")
	}
	data[i] ^= 1
	os.WriteFile(yankFile, data, 0o600)
	procFails(t, exitIntegrity, "hashes to", noHome, "sign", yankFile, "--key", keys[2])
	if after, _ := os.ReadFile(yankFile); string(after) != string(data) {
		t.Fatal("a refused sign rewrote the file")
	}
}
