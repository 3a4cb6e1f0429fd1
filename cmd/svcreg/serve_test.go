package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeAlongsideWriters runs `svcreg serve` and, in other processes,
// publishes and resolves: none is locked out, and the server serves each
// change on the next request.
func TestServeAlongsideWriters(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	svcregProc(t, home, "init")
	site := filepath.Join(t.TempDir(), "site")
	copyDir(t, filepath.Join("..", "..", "examples", "say"), site)
	svcregProc(t, home, "publish", "say@1.0.0", site)
	base := startServe(t, home)

	for _, v := range []string{"1.0.1", "1.1.0", "1.2.0-beta.1", "1.2.0"} {
		if err := os.WriteFile(filepath.Join(site, "version.txt"), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
		cid := strings.Fields(svcregProc(t, home, "publish", "say@"+v, site))[1]
		if got := svcregProc(t, home, "resolve", "say"); !strings.HasPrefix(v, "1.2.0-") && got != cid {
			t.Fatalf("resolve say after publishing %s: %s, want %s", v, got, cid)
		}
		code, release, body := fetch(t, base+"/svc/say@^1/version.txt", "Svcreg-Release")
		want := v
		if strings.HasPrefix(v, "1.2.0-") {
			want = "1.1.0" // a prerelease is not in ^1
		}
		if code != 200 || body != want || !strings.HasPrefix(release, "say@"+want+" ") {
			t.Fatalf("after publishing %s: %d %q (%s), want %s", v, code, body, release, want)
		}
	}
	svcregProc(t, home, "tag", "say@1.0.1", "lts")
	if _, _, body := fetch(t, base+"/svc/say@lts/version.txt", ""); body != "1.0.1" {
		t.Fatalf("tag lts: %q, want 1.0.1", body)
	}
}

func initHome(t *testing.T) string {
	home := filepath.Join(t.TempDir(), "home")
	svcregProc(t, home, "init")
	return home
}

// TestServeAsSource follows a registry through its `svcreg serve`: the
// follower's verifying client fetches the record and raw blocks from it,
// svcreg url addresses the followed registry, and the follower serves
// what it fetched on its own `svcreg serve --registry NAME`.
func TestServeAsSource(t *testing.T) {
	pub := filepath.Join(t.TempDir(), "publisher")
	svcregProc(t, pub, "init")
	svcregProc(t, pub, "publish", "say@1.0.0", filepath.Join("..", "..", "examples", "say"))
	name := strings.Fields(svcregProc(t, pub, "name"))[1]
	src := startServe(t, pub)

	fol := filepath.Join(t.TempDir(), "follower")
	svcregProc(t, fol, "remote", "add", "main", name, "--gateway", src)
	got := svcregProc(t, fol, "url", "say@^1", "--path", "--registry", "main", "--gateway", "http://gw.example", "--query", "say=hi")
	if want := "http://gw.example/ipns/" + name + "/services/say/versions/1.0.0/content/?say=hi"; got != want {
		t.Fatalf("svcreg url --registry main: %s, want %s", got, want)
	}
	out := filepath.Join(t.TempDir(), "out")
	svcregProc(t, fol, "get", "say@^1", "--registry", "main", "-o", out)
	for _, f := range []string{"index.html", "say.js", "style.css"} {
		a, errA := os.ReadFile(filepath.Join(out, f))
		b, errB := os.ReadFile(filepath.Join("..", "..", "examples", "say", f))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s fetched through svcreg serve differs (%v, %v)", f, errA, errB)
		}
	}

	mirror := startServe(t, fol, "--registry", "main")
	code, release, body := fetch(t, mirror+"/svc/say@^1/?say=hi", "Svcreg-Release")
	if code != 200 || !strings.HasPrefix(release, "say@1.0.0 ") || !strings.Contains(body, `id="text"`) {
		t.Fatalf("the follower's own server: %d %q %.200s", code, release, body)
	}
	if code, _, _ := fetch(t, mirror+"/ipns/"+name+"/services/say/versions/1.0.0/content/style.css", ""); code != 200 {
		t.Fatalf("the follower's /ipns/ for the followed registry: %d", code)
	}
}
