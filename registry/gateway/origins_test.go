package gateway_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/browsertest"
	"github.com/svcreg/svcreg/registry/gateway"
)

// TestOriginsByDefault runs a server with no subdomain host configured:
// localhost is one, release origins under it answer, and a browser's page
// loads of a release on 127.0.0.1 are sent to the release's origin, while
// programs and trustless clients keep the path gateway.
func TestOriginsByDefault(t *testing.T) {
	h := newHome(t, 90)
	h.init(t, h.key)
	v100 := h.publish(t, h.key, "say@1.0.0", sayFiles)
	h.publish(t, h.key, "say@1.1.0", map[string]string{"index.html": "<p>1.1</p>", "style.css": "p{}"})
	ab := h.publish(t, h.key, "a_b@1.0.0", map[string]string{"index.html": "ab"})
	other := seedKey(t, 91)
	h.init(t, other)
	h.publish(t, other, "tts@2.0.0", map[string]string{"index.html": "tts two"})
	srv := h.serve(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	loop, local := "127.0.0.1:"+port, "localhost:"+port
	reg := h.key.Name()
	origin := func(label, service, registry string) string {
		return "http://" + label + "." + service + "." + registry + ".svc.localhost:" + port
	}
	content := "/ipns/" + reg + "/services/say/versions/1.0.0/content/"
	doc := []string{"Sec-Fetch-Dest", "document"}
	tests := []struct {
		desc, host, path string
		hdr              []string
		code             int
		location, body   string
	}{
		{"range on localhost", local, "/svc/say@^1/style.css?x=1", nil, 302, origin("1-1-0", "say", reg) + "/style.css?x=1", ""},
		{"release origin under localhost", "1-1-0.say." + reg + ".svc.localhost:" + port, "/style.css", nil, 200, "", "p{}"},
		{"page load of a range on 127.0.0.1", loop, "/svc/say@^1/?say=hi", doc, 302, origin("1-1-0", "say", reg) + "/?say=hi", ""},
		{"frame of a range on 127.0.0.1", loop, "/svc/say@^1/", []string{"Sec-Fetch-Dest", "iframe"}, 302, origin("1-1-0", "say", reg) + "/", ""},
		{"browser without Sec-Fetch-Dest", loop, "/svc/say@^1/", []string{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}, 302, origin("1-1-0", "say", reg) + "/", ""},
		{"[::1] is loopback too", "[::1]:" + port, "/svc/say@1.0.0/", doc, 302, origin("1-0-0", "say", reg) + "/", ""},
		{"a program on 127.0.0.1", loop, "/svc/say@^1/style.css", nil, 200, "", "p{}"},
		{"a script on 127.0.0.1", loop, "/svc/say@^1/style.css", []string{"Sec-Fetch-Dest", "script"}, 200, "", "p{}"},
		{"through a proxy", loop, "/svc/say@^1/style.css", []string{"Sec-Fetch-Dest", "document", "X-Forwarded-Host", "reg.example"}, 200, "", "p{}"},
		{"ipns path on 127.0.0.1", loop, content + "say.js?x=1", doc, 302, origin("1-0-0", "say", reg) + "/say.js?x=1", ""},
		{"ipns path, trustless", loop, content + "?format=car", doc, 200, "", ""},
		{"ipns path, a program", loop, content + "say.js", nil, 200, "", "URLSearchParams"},
		{"ipns path on localhost", local, content + "say.js", doc, 302, origin("1-0-0", "say", reg) + "/say.js", ""},
		{"ipns path on localhost, a program", local, content + "say.js", nil, 301, "http://" + reg + ".ipns.localhost:" + port + "/services/", ""},
		{"registry origin", reg + ".ipns.localhost:" + port, "/services/say/versions/1.0.0/content/", doc, 302, origin("1-0-0", "say", reg) + "/", ""},
		{"followed registry", loop, "/ipns/" + other.Name() + "/services/tts/versions/2.0.0/content/", doc, 302, origin("2-0-0", "tts", other.Name()) + "/", ""},
		{"no release name: content origin", loop, "/ipns/" + reg + "/services/a_b/versions/1.0.0/content/x", doc, 302, "http://localhost:" + port + "/ipfs/" + ab.String() + "/x", ""},
		{"unknown version", loop, "/ipns/" + reg + "/services/say/versions/9.9.9/content/", doc, 404, "", ""},
		{"not a release path", loop, "/ipns/" + reg + "/services/say/", doc, 200, "", ""},
		{"content on 127.0.0.1", loop, "/ipfs/" + v100.String() + "/say.js", doc, 200, "", "URLSearchParams"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			r := get(t, "GET", srv.URL+tt.path, nil, append([]string{"Host", tt.host}, tt.hdr...)...)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %.300s", r.code, tt.code, r.body)
			}
			if loc := r.header.Get("Location"); !strings.HasPrefix(loc, tt.location) || (tt.location == "") != (loc == "") {
				t.Errorf("Location %q, want %q…", loc, tt.location)
			}
			if !strings.Contains(string(r.body), tt.body) {
				t.Errorf("body lacks %q: %.300s", tt.body, r.body)
			}
		})
	}

	// The browse page on 127.0.0.1 links every release to its origin.
	var idx gateway.BrowseIndex
	mustJSON(t, get(t, "GET", srv.URL+"/", nil, "Accept", "application/json"), &idx)
	var opens []string
	for _, r := range idx.Registries {
		for _, s := range r.Services {
			opens = append(opens, s.Open)
		}
	}
	want := []string{"http://" + ab.String() + ".ipfs.localhost:" + port + "/", origin("1-1-0", "say", reg) + "/", origin("2-0-0", "tts", other.Name()) + "/"}
	if strings.Join(opens, " ") != strings.Join(want, " ") {
		t.Errorf("open links %q, want %q", opens, want)
	}
}

// TestOriginsInBrowser reproduces the attack of one registry's app on
// another's storage in headless Chromium. A page of another origin frames
// the addresses svcreg url printed before origins were the default (the
// path form on 127.0.0.1): first an app of registry A that keeps a token
// in localStorage, then an app of registry B that reads localStorage. Each
// must land in its own origin, so B finds nothing.
func TestOriginsInBrowser(t *testing.T) {
	h := newHome(t, 93)
	h.init(t, h.key)
	h.publish(t, h.key, "bank@1.0.0", map[string]string{"index.html": storagePage("localStorage.setItem('token', 'bank-secret')")})
	b := seedKey(t, 94)
	h.init(t, b)
	h.publish(t, b, "game@1.0.0", map[string]string{"index.html": storagePage("")})
	node := h.serve(t, nil)
	pathOf := func(registry, service string) string {
		return node.URL + "/ipns/" + registry + "/services/" + service + "/versions/1.0.0/content/"
	}

	page := fmt.Sprintf(framesPage, pathOf(h.key.Name(), "bank"), pathOf(b.Name(), "game"))
	var got map[string]struct {
		Origin string  `json:"origin"`
		Token  *string `json:"token"`
		Error  string  `json:"error"`
	}
	browsertest.RunPage(t, page, &got)
	t.Logf("frames saw %+v", got)
	bank, game := got["bank"], got["game"]
	if bank.Error != "" || bank.Token == nil || *bank.Token != "bank-secret" {
		t.Fatalf("the bank's app could not keep its token: %+v", bank)
	}
	if game.Error != "" || game.Origin == "" {
		t.Fatalf("the game's app did not run: %+v", game)
	}
	if game.Token != nil {
		t.Errorf("the game's app (%s) read the bank's token %q (bank at %s)", game.Origin, *game.Token, bank.Origin)
	}
	if game.Origin == bank.Origin || !strings.HasSuffix(bank.Origin, ".svc.localhost:"+node.URL[strings.LastIndex(node.URL, ":")+1:]) {
		t.Errorf("origins: bank %s, game %s; want one each under localhost", bank.Origin, game.Origin)
	}
}

// storagePage is an app that runs act, then tells the page framing it its
// origin and the token it finds in localStorage.
func storagePage(act string) string {
	return `<!DOCTYPE html><meta charset="utf-8"><title>app</title><script>
let out;
try {
  ` + act + `;
  out = {origin: location.origin, token: localStorage.getItem('token')};
} catch (e) {
  out = {origin: location.origin, error: String(e)};
}
parent.postMessage(out, '*');
</script>`
}

// framesPage frames the app at %[1]s, and once it has reported, the app
// at %[2]s; it posts what both reported to /done.
const framesPage = `<!DOCTYPE html><meta charset="utf-8"><title>frames</title><p id="state">running</p>
<script>
const seen = {};
addEventListener('message', e => {
  const name = Object.keys(seen).length === 0 ? 'bank' : 'game';
  seen[name] = e.data;
  if (name === 'bank') {
    const f = document.createElement('iframe');
    f.src = %[2]q;
    document.body.appendChild(f);
  } else {
    fetch('/done', {method: 'POST', body: JSON.stringify(seen)});
  }
});
</script>
<iframe src=%[1]q></iframe>
<script src="/wait.js"></script>
`
