package main

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestPushAfterKeepHistory: after 'gc --keep-history 1' removed the older
// states, push and republish to a real kubo node send what the kept state
// reaches (the history it no longer has is not required), with and
// without a pin, and say so in one note rather than failing or repeating
// a warning.
func TestPushAfterKeepHistory(t *testing.T) {
	node := kubotest.Start(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	for i, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		writeService(t, site, i+1)
		must(t, pub, "publish", "say@"+v, site)
	}
	var head struct{ Root string }
	mustJSON(t, &head, pub, "name", "--json")
	must(t, pub, "gc", "--keep-history", "1", "--grace", "0s")

	r := svcreg(t, pub, "push", "--kubo", node.API)
	if r.code != 0 {
		t.Fatalf("push after gc --keep-history: exit %d\n%s", r.code, r.stderr)
	}
	if got := strings.TrimSpace(node.MustRun(t, "name", "resolve", name)); got != "/ipfs/"+head.Root {
		t.Fatalf("kubo resolves %s, want /ipfs/%s", got, head.Root)
	}
	// every release the kept state lists is on the node
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		c := must(t, pub, "resolve", "say@"+v)
		node.MustRun(t, "dag", "stat", "--offline", "--progress=false", c)
	}

	must(t, pub, "replica", "add", "pinned", "--kubo", node.API, "--pin")
	r = svcreg(t, pub, "republish", "--force")
	if r.code != 0 {
		t.Fatalf("republish to a pinning replica after gc --keep-history: exit %d\n%s", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "\n"); n != 1 || !strings.Contains(r.stderr, "history before seq 4 is not stored here") {
		t.Errorf("republish said %d lines, want one note on the history:\n%s", n, r.stderr)
	}
	// the kept state and every release it lists are pinned (kubo's pin ls
	// fails for a CID that is not)
	node.MustRun(t, "pin", "ls", "--type", "direct", head.Root)
	for _, v := range []string{"1.0.0", "1.2.0"} {
		node.MustRun(t, "pin", "ls", must(t, pub, "resolve", "say@"+v))
	}

	// A push that fails on this side (a block of the kept state is gone)
	// is not tried again: one attempt, one warning.
	files := blockFiles(t, pub)
	slices.SortFunc(files, func(a, b string) int { return cmp.Compare(fileSize(t, b), fileSize(t, a)) })
	if err := os.Remove(files[0]); err != nil { // the largest: a chunk of content
		t.Fatal(err)
	}
	r = svcreg(t, pub, "republish", "--json")
	var out republishOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if r.code == 0 || len(out.Replicas) != 1 || out.Replicas[0].Attempts != 1 || out.Replicas[0].Record != "failed" {
		t.Fatalf("republish with a block missing here: exit %d, %+v", r.code, out)
	}
	if n := strings.Count(r.stderr, "svcreg: warning:"); n != 1 {
		t.Errorf("%d warnings, want one:\n%s", n, r.stderr)
	}
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
