package kubotest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/kubotest"
)

func TestStart(t *testing.T) {
	node := kubotest.Start(t)
	for _, u := range []string{node.API, node.Gateway} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("address %q is not on loopback", u)
		}
	}
	if !strings.HasPrefix(node.PeerID, "12D3KooW") {
		t.Errorf("peer id %q", node.PeerID)
	}

	resp, err := http.Post(node.API+"/api/v0/version", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Version string }
	err = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if err != nil || v.Version != "0.43.1" {
		t.Fatalf("version %q, %v", v.Version, err)
	}

	// The CLI reaches the daemon through the repo; the gateway serves
	// what it adds.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := strings.TrimSpace(node.MustRun(t, "add", "-Q", "-r", dir))
	resp, err = http.Get(node.Gateway + "/ipfs/" + c + "/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "hello\n" {
		t.Fatalf("gateway: %d %q", resp.StatusCode, body)
	}
	if _, err := node.Run("no-such-command"); err == nil {
		t.Error("Run of a bad command did not fail")
	}
}

func TestInitProfiles(t *testing.T) {
	repo := kubotest.Init(t, "unixfs-v0-2015")
	out := repo.MustRun(t, "config", "Import.CidVersion")
	if strings.TrimSpace(out) != "0" {
		t.Errorf("Import.CidVersion = %q after the unixfs-v0-2015 profile", out)
	}
}
