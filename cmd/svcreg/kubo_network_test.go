package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestKubo checks svcreg against a real kubo 0.43.1 daemon (offline, on
// loopback): push, kubo's gateway and name resolution, CAR exchange both
// ways, and import CIDs under both profiles. It fails, not skips, without
// kubo: run make kubo.
func TestKubo(t *testing.T) {
	node := kubotest.Start(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	writeSite(t, site, 1)
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	v1 := cidOf(must(t, pub, "publish", "tts@1.0.0", site))
	var info struct{ Path, Root string }
	mustJSON(t, &info, pub, "info", "tts@1.0.0", "--json")

	t.Run("push", func(t *testing.T) {
		var out struct {
			Blocks      uint64
			Incremental bool
			Pinned      bool
		}
		mustJSON(t, &out, pub, "push", "--kubo", node.API, "--pin", "--json")
		if out.Blocks == 0 || out.Incremental || !out.Pinned {
			t.Fatalf("first push: %+v", out)
		}
		if got := node.MustRun(t, "dag", "get", info.Root); !strings.Contains(got, `"registry":"`+name+`"`) {
			t.Errorf("dag get %s: %s", info.Root, got)
		}
		if got := strings.TrimSpace(node.MustRun(t, "name", "resolve", name)); got != "/ipfs/"+info.Root {
			t.Errorf("name resolve: %s, want /ipfs/%s", got, info.Root)
		}
		// kubo's own gateway serves the release under the registry's name
		for _, f := range []string{"index.html", "assets/app.js", "big.bin"} {
			want, _ := os.ReadFile(filepath.Join(site, f))
			if got := httpGet(t, node.Gateway+info.Path+f); !bytes.Equal(got, want) {
				t.Errorf("gateway %s%s: %d bytes, want %d", info.Path, f, len(got), len(want))
			}
		}
	})

	t.Run("push again, incremental", func(t *testing.T) {
		site2 := filepath.Join(dir, "site2")
		writeSite(t, site2, 2)
		must(t, pub, "publish", "tts@1.1.0", site2)
		var out struct {
			Blocks      uint64
			Incremental bool
			From        uint64 `json:"from_seq"`
			Root        string
		}
		mustJSON(t, &out, pub, "push", "--kubo", node.API, "--pin", "--json")
		if !out.Incremental || out.From != 2 {
			t.Fatalf("second push: %+v", out)
		}
		pins := node.MustRun(t, "pin", "ls", "--type=recursive", "-q")
		if !strings.Contains(pins, out.Root) || strings.Contains(pins, info.Root) {
			t.Errorf("recursive pins %q: want the new root %s only", pins, out.Root)
		}
		if got := strings.TrimSpace(node.MustRun(t, "name", "resolve", name)); got != "/ipfs/"+out.Root {
			t.Errorf("name resolve after the second push: %s", got)
		}
		// nothing new: the push is a no-op for kubo
		must(t, pub, "push", "--kubo", node.API, "--pin")
	})

	// A service past 64 KiB keeps its versions in a VersionIndex; the path
	// info gives, one shard key per level, is still one kubo's gateway
	// walks.
	t.Run("a large service through kubo's gateway", func(t *testing.T) {
		home := filepath.Join(dir, "large")
		large := must(t, home, "init")
		content := cid.MustParse(cidOf(must(t, home, "publish", "many@1.0.0", site)))
		addVersions(t, home, "many", content, 600)
		must(t, home, "publish", "many@2.0.0", site)
		var info struct{ Path, Version string }
		mustJSON(t, &info, home, "info", "many@1.300.0", "--json")
		if !regexp.MustCompile(`^/ipns/k51\w+/services/many/versions/(-[0-9a-f]{2}/)+1\.300\.0/content/$`).MatchString(info.Path) {
			t.Fatalf("path %s: want a sharded version path", info.Path)
		}
		if ls := must(t, home, "ls", "many"); strings.Count(ls, "\n") < 600 {
			t.Errorf("ls many: %d lines", strings.Count(ls, "\n"))
		}
		// gc keeps the version index; fsck finds it whole
		must(t, home, "gc")
		must(t, home, "fsck")
		if got := must(t, home, "resolve", "many@1.300.0", "--offline"); got != content.String() {
			t.Errorf("after gc: %s", got)
		}
		must(t, home, "push", "--kubo", node.API)
		want, _ := os.ReadFile(filepath.Join(site, "index.html"))
		if got := httpGet(t, node.Gateway+info.Path+"index.html"); !bytes.Equal(got, want) {
			t.Errorf("kubo's gateway at %s: %q", info.Path, got)
		}
		if got := must(t, filepath.Join(dir, "large-client"), "resolve", "many@1.300.0", "--registry", large, "--gateway", node.Gateway); got != content.String() {
			t.Errorf("cold resolve through kubo: %s, want %s", got, content)
		}
	})

	t.Run("resolve and get through kubo's gateway", func(t *testing.T) {
		client := filepath.Join(dir, "client")
		gw := []string{"--registry", name, "--gateway", node.Gateway}
		if got := must(t, client, append([]string{"resolve", "tts@1.0.0"}, gw...)...); got != v1 {
			t.Fatalf("resolved %s, want %s", got, v1)
		}
		out := filepath.Join(dir, "got")
		must(t, client, append([]string{"get", "tts@1.0.0", "-o", out}, gw...)...)
		for _, f := range []string{"index.html", "assets/app.js", "big.bin"} {
			a, _ := os.ReadFile(filepath.Join(site, f))
			b, _ := os.ReadFile(filepath.Join(out, f))
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs after get", f)
			}
		}
	})

	t.Run("CAR files both ways", func(t *testing.T) {
		var head struct{ Root string }
		mustJSON(t, &head, pub, "name", "--json")
		all, bare, part := filepath.Join(dir, "all.car"), filepath.Join(dir, "bare.car"), filepath.Join(dir, "part.car")
		must(t, pub, "export", "-o", all)
		must(t, pub, "export", "-o", bare, "--no-record")
		must(t, pub, "export", "tts@1.0.0", "-o", part)
		// kubo imports svcreg's CAR and pins both roots (manifest, record)
		if out := node.MustRun(t, "dag", "import", all); strings.Count(out, "success") != 2 {
			t.Errorf("dag import: %s", out)
		}
		node.MustRun(t, "dag", "import", "--pin-roots=false", part)
		// kubo's export of the root is byte for byte svcreg's without the record
		kuboCAR, err := node.Cmd("dag", "export", head.Root).Output()
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(bare); !bytes.Equal(b, kuboCAR) {
			t.Fatalf("svcreg export --no-record (%d bytes) differs from ipfs dag export (%d bytes)", len(b), len(kuboCAR))
		}
		// svcreg imports kubo's CAR: blocks stored, no record to adopt
		k := filepath.Join(dir, "kubo.car")
		os.WriteFile(k, kuboCAR, 0o644)
		home := filepath.Join(dir, "fromkubo")
		if out := must(t, home, "import", k); !strings.Contains(out, "no record for seq 3") {
			t.Errorf("import of kubo's CAR: %s", out)
		}
		// and adopts the head from its own export
		must(t, home, "import", all)
		if got := must(t, home, "resolve", "tts@1.0.0", "--registry", name, "--offline"); got != v1 {
			t.Errorf("resolved %s from the imported CAR", got)
		}
	})

	t.Run("a node ahead of the home", func(t *testing.T) {
		old := filepath.Join(dir, "old.car")
		home := filepath.Join(dir, "behind")
		must(t, pub, "export", "-o", old)
		must(t, home, "import", old)
		dir3 := filepath.Join(dir, "site3")
		writeSite(t, dir3, 3)
		must(t, pub, "publish", "tts@1.2.0", dir3)
		must(t, pub, "push", "--kubo", node.API)
		fails(t, exitConflict, "the node serves a newer state", home, "push", "--kubo", node.API, "--registry", name)
	})

	t.Run("import CIDs equal ipfs add -r", func(t *testing.T) {
		for _, profile := range []string{"unixfs-v1-2025", "unixfs-v0-2015"} {
			repo := kubotest.Init(t)
			repo.MustRun(t, "config", "profile", "apply", profile)
			want := strings.TrimSpace(repo.MustRun(t, "add", "-r", "-Q", site))
			home := filepath.Join(dir, "p-"+profile)
			must(t, home, "init")
			got := cidOf(must(t, home, "publish", "x@1.0.0", site, "--profile", profile))
			if got != want {
				t.Errorf("%s: svcreg %s, kubo %s", profile, got, want)
			}
		}
	})
}

// writeSite makes a service tree: nested files, an empty directory, a
// dotfile (skipped by default), a relative symlink and a 3 MiB file that
// chunks differently under each profile.
func writeSite(t testing.TB, dir string, seed uint64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	big := make([]byte, 3<<20+12345)
	for i := range big {
		big[i] = byte(r.Uint32())
	}
	files := map[string][]byte{
		"index.html":       fmt.Appendf(nil, "<h1>release %d</h1>\n", seed),
		"assets/app.js":    []byte("console.log('hi')\n"),
		"assets/style.css": []byte("body{}\n"),
		".env":             []byte("SECRET=1\n"),
		"big.bin":          big,
	}
	for p, b := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, p), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, "empty"), 0o755)
	os.Symlink("index.html", filepath.Join(dir, "home.html"))
}

// cidOf returns the CID from publish's "NAME@VERSION CID" line.
func cidOf(line string) string {
	f := strings.Fields(line)
	if len(f) != 2 {
		return ""
	}
	return f[1]
}

func mustJSON(t testing.TB, v any, home string, args ...string) {
	t.Helper()
	if err := json.Unmarshal([]byte(must(t, home, args...)), v); err != nil {
		t.Fatal(err)
	}
}

func httpGet(t testing.TB, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Errorf("GET %s: %s: %s", url, resp.Status, b)
	}
	return b
}
