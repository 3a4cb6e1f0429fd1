package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// healSite writes smallService's files and big.bin, a file of several
// chunks (read through boxo's batched reads), into dir and returns
// big.bin's bytes.
func healSite(t testing.TB, dir string) []byte {
	t.Helper()
	smallService(t, dir, 1)
	var b bytes.Buffer
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "big line %08d of a file of several chunks\n", i)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// healPublisher makes a home with tts@1.0.0 (healSite) and an honest
// gateway over a copy of it. It returns the home, the registry's name,
// the site and big.bin's bytes.
func healPublisher(t *testing.T) (pub, name, site string, big []byte, g *testGateway) {
	t.Helper()
	dir := t.TempDir()
	pub, site = filepath.Join(dir, "pub"), filepath.Join(dir, "site")
	big = healSite(t, site)
	name = must(t, pub, "init")
	name = name[strings.Index(name, "k51"):][:62]
	must(t, pub, "publish", "tts@1.0.0", site)
	backup := filepath.Join(dir, "backup")
	if out, err := exec.Command("cp", "-a", pub, backup).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	return pub, name, site, big, newGateway(t, backup)
}

// flipByte flips one byte in the middle of the first block file of home
// whose bytes contain marker (same size, so only the hash tells), and
// returns the file and its intact bytes.
func flipByte(t testing.TB, home, marker string) (string, []byte) {
	t.Helper()
	for _, p := range blockFiles(t, home) {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(marker)) {
			continue
		}
		intact := bytes.Clone(b)
		b[len(b)/2] ^= 0x20
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p, intact
	}
	t.Fatalf("no block of %s holds %q", home, marker)
	return "", nil
}

// healed checks that the block file p holds its intact bytes again and
// that the damaged copy went into quarantine.
func healed(t testing.TB, home, p string, intact []byte) {
	t.Helper()
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, intact) {
		t.Errorf("the damaged block %s was not replaced by an intact copy (%v)", filepath.Base(p), err)
	}
	q, _ := filepath.Glob(filepath.Join(home, blocksDir, ".quarantine", filepath.Base(p)+".*"))
	if len(q) == 0 {
		t.Errorf("the damaged copy of %s is not in quarantine", filepath.Base(p))
	}
}

// sameFile fails unless the file p holds want.
func sameFile(t testing.TB, p string, want []byte) {
	t.Helper()
	if b, err := os.ReadFile(p); err != nil || !bytes.Equal(b, want) {
		t.Fatalf("%s: %d bytes (%v), want %d", p, len(b), err, len(want))
	}
}

// TestHealGet: a block of a client's home that fails its hash check (one
// byte flipped on disk) is quarantined, fetched again from the gateway,
// checked and kept, and get goes on; without a source get fails with the
// integrity class and the hint to run fsck --repair, and with only an
// unreachable gateway with the network class.
func TestHealGet(t *testing.T) {
	pub, name, _, big, g := healPublisher(t)
	reg := []string{"--registry", name, "--gateway", g.URL}
	client := filepath.Join(t.TempDir(), "client")
	must(t, client, append([]string{"get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "out")}, reg...)...)

	t.Run("no source", func(t *testing.T) {
		p, intact := flipByte(t, client, "big line 00000000 ")
		out := filepath.Join(t.TempDir(), "out")
		r := fails(t, exitIntegrity, "block does not match its cid", client, "get", "tts@1.0.0", "-o", out, "--registry", name, "--offline")
		if !strings.Contains(r.stderr, "hint: ") || !strings.Contains(r.stderr, "svcreg fsck --repair") {
			t.Errorf("no fsck hint:\n%s", r.stderr)
		}
		if _, err := os.Lstat(out); err == nil {
			t.Error("a failed get left its output behind")
		}
		// a gateway that cannot be reached: the network class
		dead := httptest.NewServer(nil)
		dead.Close()
		fails(t, exitNetwork, "block does not match its cid", client, "get", "tts@1.0.0", "-o", out, "--registry", name, "--gateway", dead.URL)
		// quarantined by the read that found it: the next read with a
		// gateway fetches it
		must(t, client, append([]string{"get", "tts@1.0.0", "-o", out}, reg...)...)
		sameFile(t, filepath.Join(out, "big.bin"), big)
		healed(t, client, p, intact)
	})
	t.Run("followed registry", func(t *testing.T) {
		p, intact := flipByte(t, client, "big line 00000000 ")
		out := filepath.Join(t.TempDir(), "out")
		must(t, client, append([]string{"get", "tts@1.0.0", "-o", out}, reg...)...)
		sameFile(t, filepath.Join(out, "big.bin"), big)
		healed(t, client, p, intact)
	})
	t.Run("own registry", func(t *testing.T) {
		p, intact := flipByte(t, pub, "big line 00000000 ")
		r := fails(t, exitIntegrity, "block does not match its cid", pub, "get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "out"))
		if !strings.Contains(r.stderr, "svcreg fsck --repair") {
			t.Errorf("no fsck hint:\n%s", r.stderr)
		}
		out := filepath.Join(t.TempDir(), "out")
		must(t, pub, "get", "tts@1.0.0", "-o", out, "--gateway", g.URL)
		sameFile(t, filepath.Join(out, "big.bin"), big)
		healed(t, pub, p, intact)
	})
}

// TestHealInstallVerify: install and verify read through the same
// healing store as get.
func TestHealInstallVerify(t *testing.T) {
	_, name, site, big, g := healPublisher(t)
	project := filepath.Join(t.TempDir(), projectFile)
	body := fmt.Sprintf(`{"registry": %q, "gateways": [%q], "services": {"tts": "^1.0.0"}}`, name, g.URL)
	if err := os.WriteFile(project, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	client := filepath.Join(t.TempDir(), "client")
	must(t, client, "lock", "--project", project)
	must(t, client, "install", "--project", project, "-o", filepath.Join(t.TempDir(), "services"))

	t.Run("install", func(t *testing.T) {
		p, intact := flipByte(t, client, "big line 00000000 ")
		dst := filepath.Join(t.TempDir(), "services")
		must(t, client, "install", "--project", project, "-o", dst)
		sameFile(t, filepath.Join(dst, "tts", "big.bin"), big)
		healed(t, client, p, intact)
	})
	t.Run("verify", func(t *testing.T) {
		// verify compares directories hash by hash: damage the release's
		// root directory, the first block it reads
		p, intact := flipByte(t, client, "big.bin")
		changed := filepath.Join(t.TempDir(), "site")
		if out, err := exec.Command("cp", "-a", site, changed).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		os.WriteFile(filepath.Join(changed, "d1", "f01.txt"), []byte("changed\n"), 0o644)
		r := fails(t, exitVerifyDiffers, "does not rebuild", client, "verify", changed, "tts@1.0.0", "--project", project)
		if !strings.Contains(r.stdout, "modified d1/f01.txt") || strings.Contains(r.stdout, "cannot list") {
			t.Fatalf("verify:\n%s", r.stdout)
		}
		healed(t, client, p, intact)
	})
}

// TestHealServe: a read-through node serves a release whose stored block
// was damaged on disk: it quarantines it and fetches it from its
// upstream within the request.
func TestHealServe(t *testing.T) {
	_, name, _, big, g := healPublisher(t)
	home := filepath.Join(t.TempDir(), "m")
	m := startServer(t, home, "--follow", name, "--upstream", g.URL, "--mirror", "none")
	waitFor(t, 10*time.Second, "the mirror has the head", func() bool { seq, _, _ := m.health(name); return seq > 0 })
	url := m.URL() + "/svc/tts@1.0.0/big.bin"
	if code, _, body := fetch(t, url, ""); code != 200 || body != string(big) {
		t.Fatalf("read-through: %d, %d bytes", code, len(body))
	}
	p, intact := flipByte(t, home, "big line 00000000 ")
	if code, _, body := fetch(t, url, ""); code != 200 || body != string(big) {
		t.Fatalf("after damage: %d, %d bytes\n%s", code, len(body), m.stderr)
	}
	healed(t, home, p, intact)
}

// TestHealPush: replication reads through the same fetcher: a push to a
// real kubo node from a home with a damaged block fetches a good copy
// from the gateway and the node gets the intact release; without a source
// the push fails with the integrity class.
func TestHealPush(t *testing.T) {
	node := kubotest.Start(t)
	pub, name, _, big, g := healPublisher(t)
	client := filepath.Join(t.TempDir(), "client")
	reg := []string{"--registry", name, "--gateway", g.URL}
	must(t, client, append([]string{"get", "tts@1.0.0", "-o", filepath.Join(t.TempDir(), "out")}, reg...)...)

	p, _ := flipByte(t, pub, "big line 00000000 ")
	r := fails(t, exitIntegrity, "block does not match its cid", pub, "push", "--kubo", node.API)
	if !strings.Contains(r.stderr, "svcreg fsck --repair") {
		t.Errorf("no fsck hint:\n%s", r.stderr)
	}
	if _, err := os.Stat(p); err == nil {
		t.Error("the damaged block was not quarantined")
	}

	p, intact := flipByte(t, client, "big line 00000000 ")
	must(t, client, append([]string{"push", "--kubo", node.API}, reg...)...)
	healed(t, client, p, intact)
	var info struct{ Path string }
	mustJSON(t, &info, client, "info", "tts@1.0.0", "--json", "--registry", name, "--offline")
	if got := httpGet(t, node.Gateway+info.Path+"big.bin"); !bytes.Equal(got, big) {
		t.Fatalf("kubo serves %d bytes of big.bin, want %d", len(got), len(big))
	}
}
