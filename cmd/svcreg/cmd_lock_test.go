package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeProject writes a svcreg.json for the registry name with gateways
// and returns its path.
func writeProject(t testing.TB, name string, gateways ...string) string {
	t.Helper()
	dir := t.TempDir()
	gws := `"` + strings.Join(gateways, `", "`) + `"`
	if len(gateways) == 0 {
		gws = ""
	}
	p := filepath.Join(dir, projectFile)
	body := fmt.Sprintf(`{"registry": %q, "gateways": [%s], "services": {"tts": "^1.0.0", "web": "~2"}}`, name, gws)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLockOnline: a client home with nothing in it locks, checks and
// installs a project from a gateway, and afterwards works offline.
func TestLockOnline(t *testing.T) {
	pub, name := publisher(t)
	g := newGateway(t, pub)
	project := writeProject(t, name, g.URL)
	client := filepath.Join(t.TempDir(), "client")

	out := must(t, client, "lock", "--project", project)
	if !strings.Contains(out, "added   tts@1.0.1") || !strings.Contains(out, "added   web@2.0.0") || !strings.Contains(out, "at seq 4") {
		t.Fatalf("lock:\n%s", out)
	}
	want, err := os.ReadFile(filepath.Join(filepath.Dir(project), lockFile))
	if err != nil {
		t.Fatal(err)
	}
	// the publisher locks the same project to the same bytes
	must(t, pub, "lock", "--project", project, "--offline")
	if got, _ := os.ReadFile(filepath.Join(filepath.Dir(project), lockFile)); string(got) != string(want) {
		t.Fatalf("the publisher's lock differs:\n%s\nwant\n%s", got, want)
	}

	must(t, client, "check", "--project", project, "--strict")
	// offline, the client has the manifest but not the content yet
	fails(t, exitContent, "2 problems (content)", client, "check", "--project", project, "--content", "--offline")
	// online, --content fetches what is missing, verified
	must(t, client, "check", "--project", project, "--content")
	must(t, client, "check", "--project", project, "--content", "--offline")
	dst := filepath.Join(t.TempDir(), "services")
	must(t, client, "install", "--project", project, "--offline", "-o", dst)
	if b, err := os.ReadFile(filepath.Join(dst, "tts", "index.html")); err != nil || string(b) != "two" {
		t.Fatalf("installed tts/index.html = %q, %v", b, err)
	}

	// a fresh home installs straight from the gateway
	fresh := filepath.Join(t.TempDir(), "fresh")
	dst2 := filepath.Join(t.TempDir(), "services")
	must(t, fresh, "install", "--project", project, "-o", dst2)
	if b, err := os.ReadFile(filepath.Join(dst2, "web", "index.html")); err != nil || string(b) != "web" {
		t.Fatalf("installed web/index.html = %q, %v", b, err)
	}
}

// TestLockOnlineFaults: gateways that are down or lie.
func TestLockOnlineFaults(t *testing.T) {
	pub, name := publisher(t)
	g := newGateway(t, pub)
	project := writeProject(t, name, g.URL)
	client := filepath.Join(t.TempDir(), "client")
	must(t, client, "lock", "--project", project)

	// a gateway without the record: the copy here answers, with a warning
	g.setFault("norecord")
	r := svcreg(t, client, "check", "--project", project, "--refresh")
	if r.code != 0 || !strings.Contains(r.stdout, "unverifiable (warning): no gateway gave a newer state") {
		t.Fatalf("check with a gateway down: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// nothing cached and nothing served: unverifiable
	fails(t, exitUnverifiable, "1 problem (unverifiable)", filepath.Join(t.TempDir(), "empty"), "check", "--project", project)

	// a gateway serving corrupt blocks never gets them into a home
	g.setFault("corrupt")
	fails(t, exitIntegrity, "block does not match its cid", filepath.Join(t.TempDir(), "victim"), "check", "--project", project)

	// content that cannot be fetched: exit 14, nothing installed
	g.setFault("slow")
	dst := filepath.Join(t.TempDir(), "out")
	r = fails(t, exitContent, "block not found", client, "install", "--project", project, "-o", dst, "--timeout", "200ms")
	if !strings.Contains(r.stderr, "fetching it: fetch") || !strings.Contains(r.stderr, "was not changed") {
		t.Fatalf("install with the gateway stalled:\n%s", r.stderr)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Fatalf("install created %s", dst)
	}
}
