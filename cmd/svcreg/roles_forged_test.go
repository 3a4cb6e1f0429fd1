package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// forgeSwap stores, in the publisher home pub's blocks (which g serves),
// the manifest after pub's head with tts@1.0.0 swapped for other content
// and no publish signature, as a thief of the IPNS key makes it, and
// returns its head: the manifest and a record for it signed with the
// IPNS key.
func forgeSwap(t *testing.T, g *testGateway, pub, name string) registry.Head {
	t.Helper()
	ctx := context.Background()
	pubHead := headOf(t, pub, name)
	data, err := g.blocks.Get(ctx, pubHead.Root)
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.DecodeManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	evil, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte("evil"))
	if err != nil {
		t.Fatal(err)
	}
	s := manifest.NewService("tts")
	if _, err := s.Add(manifest.MustParseVersion("1.0.0"), manifest.Release{Content: evil, Size: 4, Profile: "unixfs-v1-2025", Published: time.Unix(1, 0)}); err != nil {
		t.Fatal(err)
	}
	sb, err := manifest.EncodeService(s)
	if err != nil {
		t.Fatal(err)
	}
	ib, err := manifest.EncodeIndex(manifest.Index{Entries: map[string]cid.Cid{"tts": sb.CID}})
	if err != nil {
		t.Fatal(err)
	}
	forged := *m
	forged.Seq, forged.Prev, forged.Services, forged.Change, forged.Signatures = m.Seq+1, pubHead.Root, ib.CID, "publish tts@1.0.0", nil
	mb, err := manifest.EncodeManifest(&forged)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []manifest.Block{{CID: evil, Data: []byte("evil")}, sb, ib, mb} {
		if err := g.blocks.Put(ctx, b.CID, b.Data); err != nil {
			t.Fatal(err)
		}
	}
	return registry.Head{Name: name, Root: mb.CID, Seq: forged.Seq, Record: signWith(t, pub, mb.CID, forged.Seq)}
}

// TestRolesStolenIPNSKeyCheckInstallServe: the stolen IPNS key's
// manifest (higher seq, swapped release, no publish signature) on a
// hostile gateway is refused by check and install (exit 19; the lock and
// the installed directory unchanged) and by a `serve --follow` node,
// which keeps serving the release it had and says why in /healthz. The
// node holding the key does not re-sign it either: `republish` exits 19.
// (resolve and lock: TestRolesStolenIPNSKey.)
func TestRolesStolenIPNSKeyCheckInstallServe(t *testing.T) {
	pub, name, _ := rolesPublisher(t)
	g := newGateway(t, pub)
	dir := t.TempDir()
	client := filepath.Join(dir, "client")
	project := writeProject(t, name, g.URL)
	procMust(t, client, "lock", "--project", project)
	dst := filepath.Join(dir, "installed")
	procMust(t, client, "install", "--project", project, "-o", dst)
	lockPath := filepath.Join(filepath.Dir(project), lockFile)
	lockBefore, err := os.ReadFile(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	installed := filepath.Join(dst, "tts", "index.html")
	if b, err := os.ReadFile(installed); err != nil || string(b) != "one" {
		t.Fatalf("installed tts: %q, %v", b, err)
	}
	head, floor, root := floors(t, client, name)

	node := startServer(t, filepath.Join(dir, "node"), "--follow", name, "--upstream", g.URL)
	waitFor(t, 20*time.Second, "the node has the head", func() bool { seq, _, _ := node.health(name); return seq == head.Seq })
	node.stop(syscall.SIGTERM)

	forged := forgeSwap(t, g, pub, name)
	g.record.Store(&forged.Record)

	procFails(t, exitUntrusted, "signature threshold not met", client, "check", "--project", project, "--refresh")
	dst2 := filepath.Join(dir, "again")
	procFails(t, exitUntrusted, "signature threshold not met", client, "install", "--project", project, "--refresh", "-o", dst2)
	procFails(t, exitUntrusted, "signature threshold not met", client, "install", "--project", project, "--refresh", "-o", dst)
	if _, err := os.Stat(dst2); !os.IsNotExist(err) {
		t.Fatalf("a refused install created %s: %v", dst2, err)
	}
	if b, err := os.ReadFile(installed); err != nil || string(b) != "one" {
		t.Fatalf("installed tts after the refusal: %q, %v", b, err)
	}
	if lockAfter, _ := os.ReadFile(lockPath); string(lockAfter) != string(lockBefore) {
		t.Fatalf("the lock changed:\n%s\nwas\n%s", lockAfter, lockBefore)
	}
	h2, floor2, root2 := floors(t, client, name)
	if !h2.Root.Equals(head.Root) || h2.Seq != head.Seq || floor2 != floor || root2 != root {
		t.Fatalf("the forged manifest moved the client: head %d %s floor %d root %+v", h2.Seq, h2.Root, floor2, root2)
	}

	// the node, started again, syncs at once: it refuses the forged
	// state, keeps serving tts@1.0.0 as it was, and says why
	node.start()
	waitFor(t, 20*time.Second, "the node reports the refusal", func() bool {
		_, _, body := fetch(t, node.URL()+"/healthz", "")
		return strings.Contains(body, "signature threshold not met")
	})
	if seq, _, _ := node.health(name); seq != head.Seq {
		t.Fatalf("the node moved to seq %d, want %d", seq, head.Seq)
	}
	if code, _, body := fetch(t, node.URL()+"/svc/tts@1.0.0/index.html", ""); code != 200 || body != "one" {
		t.Fatalf("the node serves tts@1.0.0: %d %q, want the old release", code, body)
	}

	// the key holder's own node: its head moved to the forged state (as
	// someone with its index could), republish refuses to re-sign it
	idx, err := bolt.Open(filepath.Join(pub, indexFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	pubHead, err := idx.Head(context.Background(), name)
	if err == nil {
		err = idx.SwapHead(context.Background(), pubHead.Seq, forged)
	}
	idx.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := procFails(t, exitUntrusted, "re-signs records only for publish-signed manifests", pub, "republish", "--force")
	if first := strings.SplitN(r.stderr, "\n", 2)[0]; !strings.Contains(first, "signature threshold not met") || !strings.Contains(r.stderr, "no record is signed for it") {
		t.Fatalf("republish: the error is not one line:\n%s", r.stderr)
	}
	if after := headOf(t, pub, name); string(after.Record) != string(forged.Record) {
		t.Fatal("republish re-signed the forged state")
	}
}
