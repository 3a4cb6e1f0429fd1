// Package browsertest drives a headless Chromium for tests: Render returns
// a page's DOM after its scripts ran, Screenshot saves a PNG of it.
//
// The browser is $CHROMIUM, else the first of chromium, chromium-browser
// and google-chrome on PATH. Without one the test fails with an install
// hint ("apt-get install -y chromium"): browser tests never skip.
// Every run gets a fresh profile directory, no network services of
// Chromium's own, and a time limit.
//
//	dom := browsertest.Render(t, srv.URL+"/page/?say=hi")
//	if got, _ := browsertest.ElementText(dom, "text"); got != "hi" { … }
//	browsertest.Screenshot(t, url, filepath.Join(browsertest.ArtifactDir(t), "page.png"))
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Timeout bounds one browser run.
const Timeout = 60 * time.Second

// candidates are the browser names looked up on PATH.
var candidates = []string{"chromium", "chromium-browser", "google-chrome"}

// Binary returns the browser to run, or fails t.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatalf("no headless browser: install Chromium (apt-get install -y chromium) or set CHROMIUM; looked for %s on PATH", strings.Join(candidates, ", "))
	return ""
}

// Render loads url and returns the serialized DOM once the page has
// loaded (its synchronous scripts have run).
func Render(t testing.TB, url string) string {
	t.Helper()
	return string(run(t, "--dump-dom", url))
}

// Screenshot loads url in an 800×600 window and writes a PNG to file.
func Screenshot(t testing.TB, url, file string) {
	t.Helper()
	ScreenshotSize(t, url, file, 800, 600)
}

// ScreenshotSize is Screenshot in a width×height window (390×844 is a
// phone's).
func ScreenshotSize(t testing.TB, url, file string, width, height int) {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, "--screenshot="+abs, fmt.Sprintf("--window-size=%d,%d", width, height), "--hide-scrollbars", url)
	b, err := os.ReadFile(abs)
	if err != nil {
		t.Fatalf("screenshot of %s: %v", url, err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot of %s: %s is not a PNG", url, abs)
	}
}

// ArtifactDir returns the directory for files a test keeps for people to
// look at: $SVCREG_ARTIFACTS (make test sets .cache/artifacts), else
// "artifacts" in the test's temporary directory.
func ArtifactDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SVCREG_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ElementText returns the text content of the element with the given id
// in a serialized DOM, entities decoded. It reports false when there is
// no such element. Nested markup is returned as is.
func ElementText(dom, id string) (string, bool) {
	re := regexp.MustCompile(`(?s)<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>(.*?)</([a-zA-Z][a-zA-Z0-9]*)>`)
	m := re.FindStringSubmatch(dom)
	if m == nil || m[1] != m[3] {
		return "", false
	}
	return html.UnescapeString(m[2]), true
}

// run runs the browser headless with args and returns its standard output.
func run(t testing.TB, args ...string) []byte {
	t.Helper()
	bin := Binary(t)
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s %s: %s", filepath.Base(bin), strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	return stdout.Bytes()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
