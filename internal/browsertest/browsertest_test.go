package browsertest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/svcreg/svcreg/internal/browsertest"
)

// page shows its q parameter in #out from a script, as examples/say does.
const page = `<!DOCTYPE html><meta charset="utf-8"><title>t</title><p id="out">static</p>
<script>document.getElementById('out').textContent = new URLSearchParams(location.search).get('q');</script>`

func TestRender(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	defer srv.Close()
	for _, q := range []string{"hello wörld", `<b>&"x"</b>`} {
		dom := browsertest.Render(t, srv.URL+"/?q="+url.QueryEscape(q))
		got, ok := browsertest.ElementText(dom, "out")
		if !ok || got != q {
			t.Fatalf("#out = %q (%v), want %q; DOM:\n%s", got, ok, q, dom)
		}
	}
	browsertest.Screenshot(t, srv.URL+"/?q=screenshot", filepath.Join(t.TempDir(), "shot.png"))
}

func TestElementText(t *testing.T) {
	tests := []struct {
		dom, id, want string
		ok            bool
	}{
		{`<h1 id="text">hello w&ouml;rld</h1>`, "text", "hello wörld", true},
		{`<h1 class="a" id="text" data-x="1">a &amp; b</h1>`, "text", "a & b", true},
		{`<p id="text"></p>`, "text", "", true},
		{`<p id="other">x</p>`, "text", "", false},
		{`<p id="textual">x</p>`, "text", "", false},
	}
	for _, tt := range tests {
		got, ok := browsertest.ElementText(tt.dom, tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ElementText(%q, %q) = %q, %v; want %q, %v", tt.dom, tt.id, got, ok, tt.want, tt.ok)
		}
	}
}

// TestRunPage: a page that posts after an await is held by /wait.js until
// it did, and what it posted is decoded.
func TestRunPage(t *testing.T) {
	const posting = `<!DOCTYPE html><meta charset="utf-8"><title>t</title><p id="state">running</p>
<script>
(async () => {
  await new Promise(r => setTimeout(r, 50));
  await fetch('/done', {method: 'POST', body: JSON.stringify({answer: 42})});
})();
</script>
<script src="/wait.js"></script>`
	var got struct{ Answer int }
	dom := browsertest.RunPage(t, posting, &got)
	if got.Answer != 42 {
		t.Fatalf("decoded %+v, want answer 42", got)
	}
	if state, _ := browsertest.ElementText(dom, "state"); state != "done" {
		t.Errorf("#state = %q, want done", state)
	}
}
