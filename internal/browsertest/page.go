package browsertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// RunPage serves page at / of a loopback server, renders it and decodes
// into v the JSON the page posts to /done. A page that loads
// <script src="/wait.js"></script> after its own scripts is held until it
// posted (at most Timeout), so that the browser does not exit before its
// fetches are done. It fails t when the page posts nothing or something
// that does not decode, and returns the DOM.
func RunPage(t testing.TB, page string, v any) string {
	t.Helper()
	results := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, page)
		case "/done":
			b, _ := io.ReadAll(r.Body)
			select {
			case results <- b:
			default:
			}
		case "/wait.js":
			select {
			case b := <-results:
				results <- b
			case <-r.Context().Done():
			case <-time.After(Timeout):
			}
			w.Header().Set("Content-Type", "text/javascript")
			io.WriteString(w, "document.getElementById('state').textContent = 'done';\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dom := Render(t, srv.URL+"/")
	select {
	case b := <-results:
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("page results %q: %v", b, err)
		}
	default:
		t.Fatalf("the page reported nothing; DOM: %.600s", dom)
	}
	return dom
}
