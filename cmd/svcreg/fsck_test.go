package main

import (
	"context"
	"io/fs"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
)

// leafFiles returns the block files of a home that hold file content
// (raw leaves of smallService's files), sorted.
func leafFiles(t testing.TB, home string) []string {
	t.Helper()
	var out []string
	for _, p := range blockFiles(t, home) {
		if b, err := os.ReadFile(p); err == nil && strings.HasPrefix(string(b), "service ") {
			out = append(out, p)
		}
	}
	return out
}

// blockFiles returns the block files of a home, sorted.
func blockFiles(t testing.TB, home string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(home, blocksDir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".data") && !strings.Contains(p, ".quarantine") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// fsck --repair refetches missing and corrupt blocks of the home's own
// registry from a gateway, quarantines what it cannot fix, and says 8
// when the only gateway cannot be reached.
func TestFsckRepairFetches(t *testing.T) {
	home := t.TempDir()
	must(t, home, "init")
	site := filepath.Join(t.TempDir(), "site")
	smallService(t, site, 1)
	must(t, home, "publish", "tts@1.0.0", site)
	must(t, home, "publish", "web@1.0.0", site)
	backup := filepath.Join(t.TempDir(), "backup")
	if out, err := exec.Command("cp", "-a", home, backup).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	g := newGateway(t, backup)

	files := leafFiles(t, home)
	if len(files) < 10 {
		t.Fatalf("only %d content leaves", len(files))
	}
	os.Remove(files[2])
	os.WriteFile(files[5], []byte("rot"), 0o644)
	r := fails(t, exitIntegrity, "hint: run 'svcreg fsck --repair'", home, "fsck")
	if !strings.Contains(r.stdout, "reachable blocks are missing") || !strings.Contains(r.stdout, "do not match their CID") {
		t.Fatalf("fsck:\n%s", r.stdout)
	}

	// a dead gateway: nothing could be fetched, exit 8
	dead := httptest.NewServer(nil)
	dead.Close()
	fails(t, exitNetwork, "could not be fetched", home, "fsck", "--repair", "--gateway", dead.URL, "--timeout", "2s")

	out := must(t, home, "fsck", "--repair", "--gateway", g.URL)
	if !strings.Contains(out, "blocks fetched") || !strings.Contains(out, "0 missing, 0 corrupt") {
		t.Fatalf("fsck --repair:\n%s", out)
	}
	out = must(t, home, "fsck")
	if !strings.Contains(out, "index: ok") || strings.Contains(out, "problem") {
		t.Fatalf("fsck after repair:\n%s", out)
	}
	must(t, home, "get", "tts", "-o", filepath.Join(t.TempDir(), "out"))

	// without a gateway a corrupt block is quarantined, never served, and
	// what is missing stays a problem
	files = leafFiles(t, home)
	os.WriteFile(files[3], []byte("rot"), 0o644)
	r = fails(t, exitIntegrity, "restore SVCREG_HOME from a backup", home, "fsck", "--repair")
	if !strings.Contains(r.stdout, "moved to blocks/.quarantine") {
		t.Fatalf("fsck --repair without a gateway:\n%s", r.stdout)
	}
	if q, _ := os.ReadDir(filepath.Join(home, blocksDir, ".quarantine")); len(q) == 0 {
		t.Fatal("nothing in .quarantine")
	}
}

// A followed registry's blocks that were never fetched are a note, not a
// problem; gc keeps them, and --drop-unfollowed drops a registry no remote
// names.
func TestFsckGCFollowed(t *testing.T) {
	pub := t.TempDir()
	must(t, pub, "init")
	name := must(t, pub, "name")
	name = name[strings.Index(name, "k51"):][:62]
	site := filepath.Join(t.TempDir(), "site")
	smallService(t, site, 2)
	must(t, pub, "publish", "tts@1.0.0", site)
	must(t, pub, "publish", "web@1.0.0", site)
	g := newGateway(t, pub)

	client := t.TempDir()
	must(t, client, "get", "tts", "--registry", name, "--gateway", g.URL, "-o", filepath.Join(t.TempDir(), "tts"))
	out := must(t, client, "fsck")
	if !strings.Contains(out, "(followed)") || !strings.Contains(out, "never fetched") || strings.Contains(out, "problem") {
		t.Fatalf("fsck of a partial mirror:\n%s", out)
	}
	before := len(blockFiles(t, client))
	must(t, client, "gc", "--grace", "0s")
	if n := len(blockFiles(t, client)); n != before {
		t.Fatalf("gc removed %d blocks of a followed registry", before-n)
	}
	must(t, client, "remote", "add", "main", name, "--gateway", g.URL)
	must(t, client, "gc", "--grace", "0s", "--drop-unfollowed")
	if n := len(blockFiles(t, client)); n != before {
		t.Fatalf("gc --drop-unfollowed removed %d blocks of a remote", before-n)
	}
	must(t, client, "remote", "rm", "main")
	must(t, client, "gc", "--grace", "0s", "--drop-unfollowed")
	if n := len(blockFiles(t, client)); n != 0 {
		t.Fatalf("gc --drop-unfollowed left %d blocks of an unfollowed registry", n)
	}
	// read again, it is fetched again
	must(t, client, "get", "tts", "--registry", name, "--gateway", g.URL, "--refresh", "-o", filepath.Join(t.TempDir(), "tts2"))
}

// A cached resolution the manifest does not give (a tampered or buggy
// index) is found by fsck and dropped by --repair.
func TestFsckCachedResolutions(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	must(t, home, "init")
	name := must(t, home, "name")
	name = name[strings.Index(name, "k51"):][:62]
	site := filepath.Join(t.TempDir(), "site")
	smallService(t, site, 3)
	must(t, home, "publish", "tts@1.0.0", site)
	want := must(t, home, "resolve", "tts")

	idx, err := bolt.Open(filepath.Join(home, indexFile), nil)
	if err != nil {
		t.Fatal(err)
	}
	hd, err := idx.Head(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	forged := registry.Resolution{Service: "tts", Version: manifest.MustParseVersion("1.0.0"), CID: hd.Root}
	if err := idx.PutResolution(ctx, name, hd.Root, "tts", forged); err != nil {
		t.Fatal(err)
	}
	idx.Close()
	if got := must(t, home, "resolve", "tts"); got != hd.Root.String() {
		t.Fatalf("the forged answer is not served (%s): the test proves nothing", got)
	}
	r := fails(t, exitIntegrity, "cached resolution", home, "fsck")
	if !strings.Contains(r.stdout, `"tts" is cached as tts@1.0.0 `+hd.Root.String()) {
		t.Fatalf("fsck:\n%s", r.stdout)
	}
	out := must(t, home, "fsck", "--repair")
	if !strings.Contains(out, "cached resolutions dropped (1 were wrong)") {
		t.Fatalf("fsck --repair:\n%s", out)
	}
	if got := must(t, home, "resolve", "tts"); got != want {
		t.Fatalf("resolve after repair = %s, want %s", got, want)
	}
	must(t, home, "fsck")
}
