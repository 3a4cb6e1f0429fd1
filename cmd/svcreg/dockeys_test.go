package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestDocumentedKeys holds JSON outputs to the keys docs/CLI.md lists for
// them, read from the docs: replica ls --json, GET /healthz, the browse
// JSON, and the svcreg_ metrics. Every documented key is present even
// when its value is empty.
func TestDocumentedKeys(t *testing.T) {
	docs := readDoc(t)
	home, name := publisher(t)
	must(t, home, "yank", "tts@1.0.0", "--reason", "old")
	must(t, home, "replica", "add", "dead", "--kubo", "http://127.0.0.1:1")

	var replicas []map[string]any
	mustJSON(t, &replicas, home, "replica", "ls", "--json")
	checkKeys(t, "replica ls --json", replicas, braceKeys(t, after(t, docs, "### `svcreg replica add", "`--json`")))

	s := startServer(t, home)
	waitFor(t, 20*time.Second, "the node reports its registry", func() bool { seq, _, _ := s.health(name); return seq > 0 })

	var health struct {
		Registries []map[string]any `json:"registries"`
	}
	getJSON(t, s.URL()+"/healthz", &health)
	checkKeys(t, "/healthz registries[]", health.Registries, braceKeys(t, after(t, docs, "| `GET /healthz` |", "[")))

	_, _, metrics := fetch(t, s.URL()+"/metrics", "")
	row := after(t, docs, "| `GET /metrics` |", "")
	row = row[:strings.Index(row, "\n")]
	for _, m := range regexp.MustCompile(`svcreg_[a-z_]+`).FindAllString(row, -1) {
		if !regexp.MustCompile(`(?m)^` + m + `\{`).MatchString(metrics) {
			t.Errorf("/metrics has no %s", m)
		}
	}

	para := after(t, docs, "**Browse pages.**", "")
	para = para[:strings.Index(para, "\n\n")]
	groups := map[string][]string{}
	for _, m := range regexp.MustCompile(`(\w+)\[\]\.\{([^}]*)\}`).FindAllStringSubmatch(para, -1) {
		groups[m[1]] = splitKeys(m[2])
	}
	if len(groups) < 4 {
		t.Fatalf("docs/CLI.md, browse pages: %d key lists: %v", len(groups), groups)
	}
	seen := map[string][]map[string]any{}
	for path, root := range map[string]string{"/": "", "/browse/" + name + "/": "registries", "/browse/" + name + "/tts/": "services"} {
		var page map[string]any
		getJSON(t, s.URL()+path+"?format=json", &page)
		if root != "" {
			seen[root] = append(seen[root], page) // the page is one such object
		}
		collectObjects(page, seen)
	}
	for group, keys := range groups {
		if len(seen[group]) == 0 {
			t.Errorf("browse JSON: no %s[] object on any page", group)
		}
		checkKeys(t, "browse "+group+"[]", seen[group], keys)
	}
}

func readDoc(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "CLI.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// after returns docs from the first occurrence of then after marker.
func after(t *testing.T, docs, marker, then string) string {
	t.Helper()
	i := strings.Index(docs, marker)
	if i < 0 {
		t.Fatalf("docs/CLI.md has no %q", marker)
	}
	rest := docs[i+len(marker):]
	j := strings.Index(rest, then)
	if j < 0 {
		t.Fatalf("docs/CLI.md: no %q after %q", then, marker)
	}
	return rest[j:]
}

// braceKeys returns the keys of the first {a, b, c} list in s.
func braceKeys(t *testing.T, s string) []string {
	t.Helper()
	m := regexp.MustCompile(`\{([a-z_, \n]+)\}`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no {key, …} list in %.80q", s)
	}
	return splitKeys(m[1])
}

func splitKeys(s string) []string {
	var keys []string
	for _, k := range strings.Split(s, ",") {
		keys = append(keys, strings.TrimSuffix(strings.TrimSpace(k), "[]"))
	}
	return keys
}

func checkKeys(t *testing.T, what string, objs []map[string]any, keys []string) {
	t.Helper()
	if len(objs) == 0 {
		t.Errorf("%s: nothing to check", what)
	}
	for _, o := range objs {
		for _, k := range keys {
			if _, ok := o[k]; !ok {
				t.Errorf("%s: no %q in %v", what, k, o)
			}
		}
	}
}

// collectObjects adds every object in an array under key K in v to
// seen[K], at any depth.
func collectObjects(v any, seen map[string][]map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			if arr, ok := child.([]any); ok {
				for _, e := range arr {
					if o, ok := e.(map[string]any); ok {
						seen[k] = append(seen[k], o)
					}
				}
			}
			collectObjects(child, seen)
		}
	case []any:
		for _, e := range v {
			collectObjects(e, seen)
		}
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	code, _, body := fetch(t, url, "")
	if code != 200 {
		t.Fatalf("GET %s: %d %s", url, code, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", url, err, body)
	}
}
