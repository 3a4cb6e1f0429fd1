package gateway_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/browsertest"
	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestBrowseLongNames opens the browse pages of a service whose name,
// version, tag and yank reason are as long as svcreg allows, in headless
// Chromium at a phone's width: nothing may be wider than the viewport.
// The pages run no scripts (their Content-Security-Policy), so each is
// measured as a copy of its bytes with a measuring script added, served
// from a second server and framed at 390 pixels; screenshots of the
// pages themselves are kept as artifacts.
func TestBrowseLongNames(t *testing.T) {
	h := newHome(t, 28)
	h.init(t, h.key)
	name := strings.Repeat("longservicename", 15)[:manifest.MaxNameLen]
	version := "1.0.0-" + strings.Repeat("prerelease", 25)
	tag := "t" + strings.Repeat("ag", 100)
	h.publish(t, h.key, name+"@"+version, map[string]string{"index.html": "long"})
	h.publish(t, h.key, name+"@0.9.0", map[string]string{"index.html": "old"})
	h.update(t, h.key, func(reg *registry.Registry) {
		ctx := context.Background()
		if _, _, err := reg.Tag(ctx, manifest.Name(name), mustVersion(t, version), tag); err != nil {
			t.Fatal(err)
		}
		if _, _, err := reg.Yank(ctx, manifest.Name(name), mustVersion(t, "0.9.0"), strings.Repeat("unbrokenreason", 20), false); err != nil {
			t.Fatal(err)
		}
	})
	node := h.serve(t, nil)
	pages := []string{"/", "/browse/" + h.key.Name() + "/", "/browse/" + h.key.Name() + "/" + name + "/"}

	measure := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/" {
			io.WriteString(w, `<!DOCTYPE html><meta charset="utf-8"><title>measure</title>`)
			for i := range pages {
				fmt.Fprintf(w, `<iframe src="/page?i=%d" width="390" height="844" style="border:0"></iframe><pre id="m%d">not measured</pre>`, i, i)
			}
			return
		}
		var i int
		fmt.Sscan(r.URL.Query().Get("i"), &i)
		resp, err := http.Get(node.URL + pages[i%len(pages)])
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		page, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			http.Error(w, fmt.Sprintf("%s: %d %v", pages[i%len(pages)], resp.StatusCode, err), http.StatusBadGateway)
			return
		}
		io.WriteString(w, strings.Replace(string(page), "</body>", fmt.Sprintf(measureScript, i)+"</body>", 1))
	}))
	t.Cleanup(measure.Close)

	dom := browsertest.Render(t, measure.URL+"/")
	dir := browsertest.ArtifactDir(t)
	for i, p := range pages {
		text, _ := browsertest.ElementText(dom, fmt.Sprintf("m%d", i))
		var m struct {
			ScrollWidth int      `json:"scrollWidth"`
			Width       int      `json:"width"`
			Wide        []string `json:"wide"`
		}
		if err := json.Unmarshal([]byte(text), &m); err != nil || m.Width < 360 || m.Width > 390 {
			t.Fatalf("%s: measured %q (%v), want a page 390 pixels wide (less a scroll bar)", p, text, err)
		}
		if m.ScrollWidth > m.Width {
			t.Errorf("%s is %d pixels wide in a %d pixel viewport; too wide: %s", p, m.ScrollWidth, m.Width, strings.Join(m.Wide, ", "))
		}
		browsertest.ScreenshotSize(t, node.URL+p, filepath.Join(dir, fmt.Sprintf("browse-long-%d.png", i)), 390, 844)
	}
}

// measureScript reports into the framing page's #m%d the page's scroll
// width, its viewport's and the elements that reach past it.
const measureScript = `<script>
(() => {
  const width = document.documentElement.clientWidth, wide = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.right > width + 0.5) wide.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className.replace(/ /g, '.') : '') + ' to ' + Math.round(r.right));
  }
  parent.document.getElementById('m%d').textContent = JSON.stringify({scrollWidth: document.documentElement.scrollWidth, width, wide});
})();
</script>`
