package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeOrigins runs `svcreg serve` with its defaults (and one more
// subdomain host): `svcreg url` prints the release's own origin under
// localhost, a browser loading the release's path on 127.0.0.1 is sent
// there, and the origin serves the release's own healthz, metrics and
// browse/ files, while /healthz and /metrics stay the node's on its own
// hosts.
func TestServeOrigins(t *testing.T) {
	home := initHome(t)
	site := t.TempDir()
	for name, body := range map[string]string{"index.html": "app", "healthz": "app healthz", "metrics": "app metrics", "browse/index.html": "app browse"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(site, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svcregProc(t, home, "publish", "app@1.0.0", site)
	name := strings.Fields(svcregProc(t, home, "name"))[1]
	base := startServe(t, home, "--subdomain-host", "example.com")
	port := base[strings.LastIndex(base, ":")+1:]
	origin := "http://1-0-0.app." + name + ".svc.localhost:" + port + "/"

	if got := svcregProc(t, home, "url", "app@^1", "--gateway", base); got != origin {
		t.Errorf("svcreg url printed %s, want the release's origin %s", got, origin)
	}
	for _, p := range []string{"/svc/app@%5E1/", "/ipns/" + name + "/services/app/versions/1.0.0/content/"} {
		code, hdr, _ := getHost(t, base+p, "", "Sec-Fetch-Dest", "document")
		if code != http.StatusFound || hdr.Get("Location") != origin {
			t.Errorf("a browser loading %s: %d Location %q, want 302 %s", p, code, hdr.Get("Location"), origin)
		}
	}
	for _, host := range []string{"1-0-0.app." + name + ".svc.localhost:" + port, "1-0-0.app." + name + ".svc.example.com:" + port} {
		for _, p := range []string{"", "healthz", "metrics", "browse/"} {
			want := strings.TrimSpace("app " + strings.TrimSuffix(p, "/"))
			if code, _, body := getHost(t, base+"/"+p, host); code != 200 || body != want {
				t.Errorf("%s/%s: %d %.100q, want the release's %q", host, p, code, body, want)
			}
		}
	}
	for _, host := range []string{"", "localhost:" + port, "example.com:" + port} {
		code, _, body := getHost(t, base+"/healthz", host)
		var status struct{ Status string }
		if code != 200 || json.Unmarshal([]byte(body), &status) != nil || status.Status != "ok" {
			t.Errorf("%s/healthz: %d %.100q, want the node's status", host, code, body)
		}
		if code, _, body := getHost(t, base+"/metrics", host); code != 200 || !strings.Contains(body, "svcreg_sync_errors_total") {
			t.Errorf("%s/metrics: %d %.100q, want the node's metrics", host, code, body)
		}
	}
}

// getHost requests url with Host host (unless empty) and header pairs hdr,
// without following redirects.
func getHost(t *testing.T, url, host string, hdr ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}
