package gateway_test

import (
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/browsertest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/gateway"
)

// browseHome publishes a small registry: two services, tags, a yanked
// release, a prerelease.
func browseHome(t *testing.T) *home {
	h := newHome(t, 80)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	h.publish(t, h.key, "say@1.1.0", map[string]string{"index.html": "<p>1.1</p>"})
	h.publish(t, h.key, "say@2.0.0-rc.1", map[string]string{"index.html": "<p>2rc</p>"})
	h.publish(t, h.key, "video-player@3.2.1", map[string]string{"index.html": "<video></video>", "big.bin": strings.Repeat("x", 300<<10)})
	h.update(t, h.key, func(reg *registry.Registry) {
		ctx := context.Background()
		if _, _, err := reg.Tag(ctx, "say", mustVersion(t, "1.0.0"), "stable"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := reg.Yank(ctx, "say", mustVersion(t, "1.1.0"), "breaks <script> on Safari", false); err != nil {
			t.Fatal(err)
		}
	})
	return h
}

// TestBrowseJSON reads the browse pages as JSON.
func TestBrowseJSON(t *testing.T) {
	h := browseHome(t)
	srv := h.serve(t, nil)
	var idx gateway.BrowseIndex
	mustJSON(t, get(t, "GET", srv.URL+"/", nil, "Accept", "application/json"), &idx)
	if len(idx.Registries) != 1 || idx.Registries[0].Name != h.key.Name() || idx.Registries[0].Seq != 7 || !idx.Registries[0].Live {
		t.Fatalf("index: %+v", idx)
	}
	svcs := idx.Registries[0].Services
	if len(svcs) != 2 || svcs[0].Name != "say" || svcs[0].Latest != "1.0.0" || svcs[0].Tags["stable"] != "1.0.0" ||
		svcs[0].Open != "http://1-0-0.say."+h.key.Name()+".svc.localhost:"+srv.URL[strings.LastIndex(srv.URL, ":")+1:]+"/" || svcs[1].Latest != "3.2.1" {
		t.Fatalf("services: %+v", svcs)
	}
	var reg gateway.BrowseRegistry
	mustJSON(t, get(t, "GET", srv.URL+svcs[0].URL[:strings.LastIndex(svcs[0].URL[:len(svcs[0].URL)-1], "/")+1], nil, "Accept", "application/json"), &reg)
	if len(reg.History) != 7 || reg.History[0].Seq != 7 || reg.History[6].Seq != 1 || reg.Expires.IsZero() {
		t.Fatalf("registry page: %d states, expires %s", len(reg.History), reg.Expires)
	}
	var svc gateway.BrowseService
	mustJSON(t, get(t, "GET", srv.URL+svcs[0].URL, nil, "Accept", "application/json"), &svc)
	if len(svc.Versions) != 3 || svc.Versions[0].Version != "2.0.0-rc.1" || !svc.Versions[1].Yanked ||
		svc.Versions[1].YankReason != "breaks <script> on Safari" || svc.Versions[2].Published.IsZero() ||
		!strings.HasPrefix(svc.Versions[2].Files, "/ipfs/bafy") {
		t.Fatalf("service page: %+v", svc.Versions)
	}
	for _, p := range []string{"/browse/" + h.key.Name() + "/nope/", "/browse/k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8/"} {
		if r := get(t, "GET", srv.URL+p, nil); r.code != 404 {
			t.Errorf("%s: %d", p, r.code)
		}
	}
	// On a subdomain host, releases open in their own origin.
	srv2 := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"} })
	mustJSON(t, get(t, "GET", srv2.URL+svcs[0].URL, nil, "Accept", "application/json", "Host", "example.com:8080"), &svc)
	if want := "http://2-0-0--rc-1.say." + h.key.Name() + ".svc.example.com:8080/"; svc.Versions[0].Open != want {
		t.Errorf("open on a subdomain host: %s, want %s", svc.Versions[0].Open, want)
	}
}

func mustJSON(t *testing.T, r response, v any) {
	t.Helper()
	if r.code != 200 || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s: %.300s", r.code, r.header.Get("Content-Type"), r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatal(err)
	}
}

// TestBrowseHTML opens the browse pages in headless Chromium at a phone's
// size and keeps screenshots as artifacts. The pages load nothing but
// themselves: their one style is allowed by the Content-Security-Policy
// (the header band is drawn in its colour), and no URL leaves the server
// (links to releases go to their origins on it, under localhost).
func TestBrowseHTML(t *testing.T) {
	h := browseHome(t)
	srv := h.serve(t, nil)
	r := get(t, "GET", srv.URL+"/", nil, "Accept", "text/html")
	csp := r.header.Get("Content-Security-Policy")
	if r.code != 200 || !strings.Contains(csp, "default-src 'none'") || !strings.Contains(string(r.body), `name="viewport"`) {
		t.Fatalf("index: %d CSP %q", r.code, csp)
	}
	external := regexp.MustCompile(`(?i)(src|href)="(https?:)?//([^/"]*)`)
	origins := regexp.MustCompile(`^[a-z0-9.-]+\.localhost:` + srv.URL[strings.LastIndex(srv.URL, ":")+1:] + `$`)
	dir := browsertest.ArtifactDir(t)
	for _, tt := range []struct{ path, shot, want string }{
		{"/", "browse-index.png", "video-player"},
		{"/browse/" + h.key.Name() + "/", "browse-registry.png", "seq 1"},
		{"/browse/" + h.key.Name() + "/say/", "browse-service.png", "breaks &lt;script&gt; on Safari"},
	} {
		t.Run(tt.shot, func(t *testing.T) {
			r := get(t, "GET", srv.URL+tt.path, nil)
			for _, m := range external.FindAllSubmatch(r.body, -1) {
				if !origins.Match(m[3]) {
					t.Errorf("external URL %s", m[0])
				}
			}
			dom := browsertest.Render(t, srv.URL+tt.path)
			if !strings.Contains(dom, tt.want) {
				t.Errorf("page lacks %q", tt.want)
			}
			file := filepath.Join(dir, tt.shot)
			browsertest.ScreenshotSize(t, srv.URL+tt.path, file, 390, 844)
			f, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			// The header band is #24476b: the inline style was applied.
			red, green, blue, _ := img.At(5, 5).RGBA()
			if red>>8 != 0x24 || green>>8 != 0x47 || blue>>8 != 0x6b {
				t.Errorf("pixel (5,5) is #%02x%02x%02x, want the header's #24476b: the style was blocked", red>>8, green>>8, blue>>8)
			}
			t.Logf("screenshot %s", file)
		})
	}
}

// TestReleaseOriginInBrowser opens a range URL on a subdomain host
// (localhost, whose subdomains Chromium resolves to loopback itself) in
// headless Chromium: it is redirected to the release's own origin, where
// the page's relative script runs and reads its query string.
func TestReleaseOriginInBrowser(t *testing.T) {
	h := newHome(t, 81)
	h.init(t, h.key)
	h.publish(t, h.key, "say@1.0.0", sayFiles)
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"localhost"} })
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	start := "http://localhost:" + port + "/svc/say@%5E1/?say=own%20origin"
	r := get(t, "GET", start, nil)
	want := "http://1-0-0.say." + h.key.Name() + ".svc.localhost:" + port + "/?say=own%20origin"
	if r.code != 302 || r.header.Get("Location") != want {
		t.Fatalf("range URL: %d Location %q, want 302 %q", r.code, r.header.Get("Location"), want)
	}
	dom := browsertest.Render(t, start)
	if got, _ := browsertest.ElementText(dom, "text"); got != "own origin" {
		t.Fatalf("#text %q after the redirect; DOM: %.400s", got, dom)
	}
	browsertest.Screenshot(t, start, filepath.Join(browsertest.ArtifactDir(t), "release-origin.png"))
}

// TestBrowseFollowed lists a followed registry (one whose head the index
// holds) after the served one, and gives its releases origins too.
func TestBrowseFollowed(t *testing.T) {
	h := browseHome(t)
	followed := seedKey(t, 82)
	h.init(t, followed)
	h.publish(t, followed, "tts@2.0.0", map[string]string{"index.html": "tts two"})
	srv := h.serve(t, func(c *cfgT) { c.SubdomainHosts = []string{"example.com"} })
	var idx gateway.BrowseIndex
	mustJSON(t, get(t, "GET", srv.URL+"/", nil, "Accept", "application/json"), &idx)
	if len(idx.Registries) != 2 || idx.Registries[0].Name != h.key.Name() || idx.Registries[1].Name != followed.Name() {
		t.Fatalf("registries: %+v", idx.Registries)
	}
	tts := idx.Registries[1].Services[0]
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	if want := "http://2-0-0.tts." + followed.Name() + ".svc.localhost:" + port + "/"; tts.Open != want {
		t.Errorf("open %q, want the release's origin %q", tts.Open, want)
	}
	if r := get(t, "GET", srv.URL+"/", nil, "Host", strings.TrimSuffix(strings.TrimPrefix(tts.Open, "http://"), "/")); string(r.body) != "tts two" {
		t.Errorf("open link: %d %q", r.code, r.body)
	}
	var svc gateway.BrowseService
	mustJSON(t, get(t, "GET", srv.URL+tts.URL, nil, "Accept", "application/json"), &svc)
	if len(svc.Versions) != 1 {
		t.Fatalf("followed service page: %+v", svc)
	}
	if r := get(t, "GET", srv.URL+"/", nil, "Host", "2-0-0.tts."+followed.Name()+".svc.example.com"); string(r.body) != "tts two" {
		t.Errorf("release origin of a followed registry: %d %q", r.code, r.body)
	}
}

// TestBrowseNoName opens /browse/ without a registry name: it lists the
// registries this node serves, as / does, rather than answering 400.
func TestBrowseNoName(t *testing.T) {
	h := browseHome(t)
	srv := h.serve(t, nil)
	var want, got gateway.BrowseIndex
	mustJSON(t, get(t, "GET", srv.URL+"/", nil, "Accept", "application/json"), &want)
	mustJSON(t, get(t, "GET", srv.URL+"/browse/", nil, "Accept", "application/json"), &got)
	if len(got.Registries) != 1 || got.Registries[0].Name != h.key.Name() || len(got.Registries[0].Services) != len(want.Registries[0].Services) {
		t.Fatalf("/browse/: %+v, want the registries of /: %+v", got, want)
	}
	r := get(t, "GET", srv.URL+"/browse/", nil, "Accept", "text/html")
	if r.code != 200 || !strings.Contains(string(r.body), `<h1 id="title">Registries</h1>`) || !strings.Contains(string(r.body), h.key.Name()) {
		t.Fatalf("/browse/ as HTML: %d %.300s", r.code, r.body)
	}
}
