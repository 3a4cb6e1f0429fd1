package main

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/browsertest"
	"github.com/svcreg/svcreg/internal/kubotest"
)

// say is the text the page must show: spaces and non-ASCII letters, which
// travel percent-encoded in the URL.
const say = "hello wörld"

// TestBrowserSay publishes examples/say, serves it with `svcreg serve` and
// opens it in headless Chromium by its friendly URL, by its /ipns/ path
// (both on 127.0.0.1, which sends the browser on to the release's origin)
// and by the origin svcreg url prints, then pushes it to a kubo daemon and opens it through kubo's
// gateway. The page's script must have put the say parameter in #text,
// which needs the relative say.js to load. Screenshots go to the
// artifacts directory.
func TestBrowserSay(t *testing.T) {
	t.Parallel() // it mostly waits for Chromium and kubo.
	home := filepath.Join(t.TempDir(), "home")
	svcregProc(t, home, "init")
	svcregProc(t, home, "publish", "say@1.0.0", filepath.Join("..", "..", "examples", "say"))
	var head struct{ Name string }
	if err := json.Unmarshal([]byte(svcregProc(t, home, "name", "--json")), &head); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, home)
	q := "?say=" + url.QueryEscape(say)

	tests := []struct {
		desc, url, shot string
	}{
		// No trailing slash: the server redirects to /svc/say@%5E1/ so that
		// style.css and say.js resolve under the release.
		{"friendly URL", base + "/svc/say@%5E1" + q, "say-svc.png"},
		{"friendly URL with slash", base + "/svc/say@^1/" + q, ""},
		{"ipns path", svcregProc(t, home, "url", "say@1.0.0", "--path", "--gateway", base, "--query", "say="+say), "say-ipns.png"},
		{"immutable path", svcregProc(t, home, "url", "say@^1", "--immutable", "--path", "--gateway", base, "--query", "say="+say), ""},
		{"release origin", svcregProc(t, home, "url", "say@^1", "--gateway", base, "--query", "say="+say), "say-origin.png"},
	}
	wantIPNS := base + "/ipns/" + head.Name + "/services/say/versions/1.0.0/content/?say=hello%20w%C3%B6rld"
	if tests[2].url != wantIPNS {
		t.Fatalf("svcreg url printed %s, want %s", tests[2].url, wantIPNS)
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			checkSay(t, tt.url)
			if tt.shot != "" {
				browsertest.Screenshot(t, tt.url, filepath.Join(browsertest.ArtifactDir(t), tt.shot))
			}
		})
	}

	// The same registry pushed to a kubo node: kubo's own gateway follows
	// the signed record and the manifest's links to the same page.
	t.Run("kubo gateway", func(t *testing.T) {
		node := kubotest.Start(t)
		svcregProc(t, home, "push", "--kubo", node.API)
		u := svcregProc(t, home, "url", "say@^1", "--path", "--gateway", node.Gateway, "--query", "say="+say)
		if want := node.Gateway + "/ipns/" + head.Name + "/services/say/versions/1.0.0/content/?say=hello%20w%C3%B6rld"; u != want {
			t.Fatalf("svcreg url printed %s, want %s", u, want)
		}
		checkSay(t, u)
		browsertest.Screenshot(t, u, filepath.Join(browsertest.ArtifactDir(t), "say-kubo.png"))
	})
}

// checkSay opens url in the browser and checks what the page shows.
func checkSay(t *testing.T, url string) {
	t.Helper()
	dom := browsertest.Render(t, url)
	got, ok := browsertest.ElementText(dom, "text")
	if !ok || got != say {
		t.Fatalf("%s: #text = %q (found %v), want %q; DOM:\n%s", url, got, ok, say, dom)
	}
	if status, _ := browsertest.ElementText(dom, "status"); strings.Contains(status, "add ?say=") {
		t.Fatalf("%s: the page saw no say parameter: %q", url, status)
	}
}
