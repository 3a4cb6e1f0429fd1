package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestRepublishReportsEachReplica: republish --json says per replica what
// happened to the record. A real kubo node that holds a newer state of
// the registry refuses it (with the reason); a dead node is unreachable;
// neither is reported as "stored".
func TestRepublishReportsEachReplica(t *testing.T) {
	node := kubotest.Start(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	writeService(t, site, 1)
	pub := filepath.Join(dir, "pub")
	must(t, pub, "init")
	must(t, pub, "publish", "say@1.0.0", site)
	old := filepath.Join(dir, "old") // the home as it was at seq 2
	if out, err := exec.Command("cp", "-a", pub, old).CombinedOutput(); err != nil {
		t.Fatalf("copy the home: %v: %s", err, out)
	}
	writeService(t, site, 2)
	must(t, pub, "publish", "say@1.1.0", site)
	must(t, pub, "push", "--kubo", node.API)

	must(t, old, "replica", "add", "ahead", "--kubo", node.API)
	must(t, old, "replica", "add", "dead", "--kubo", "http://127.0.0.1:1")
	r := svcreg(t, old, "republish", "--force", "--json")
	if r.code == 0 {
		t.Fatalf("republish to a node ahead and a dead one: exit 0: %s", r.stdout)
	}
	var out republishOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	got := map[string]replicaPush{}
	for _, p := range out.Replicas {
		got[p.Name] = p
	}
	if p := got["ahead"]; p.Record != "refused" || !strings.Contains(p.Error, "newer state") {
		t.Errorf("the node ahead: record %q, error %q; want refused, with the reason", p.Record, p.Error)
	}
	if p := got["dead"]; p.Record != "unreachable" || p.Error == "" {
		t.Errorf("the dead node: record %q, error %q; want unreachable, with the reason", p.Record, p.Error)
	}
	for _, key := range []string{`"record"`, `"error"`} {
		if strings.Count(r.stdout, key) != 2 {
			t.Errorf("%s not in every replica's report: %s", key, r.stdout)
		}
	}
}
