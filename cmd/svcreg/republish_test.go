package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/svcreg/svcreg/internal/kubotest"
)

// TestRepublish re-signs a registry's record (same seq, later end of
// life) and pushes it to a real kubo replica next to a dead one, which
// fails on its own without holding back the good one.
func TestRepublish(t *testing.T) {
	node := kubotest.Start(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	writeService(t, site, 1)
	pub := filepath.Join(dir, "pub")
	name := must(t, pub, "init")
	must(t, pub, "publish", "say@1.0.0", site, "--lifetime", "1h", "--ttl", "7s")
	var before struct {
		Seq     uint64
		Root    string
		Expires string
	}
	mustJSON(t, &before, pub, "name", "--json")
	r := svcreg(t, pub, "name")
	if r.code != 0 || !strings.Contains(r.stderr, "expires in") {
		t.Fatalf("name within 12 h of the end of life: exit %d, %s", r.code, r.stderr)
	}
	must(t, pub, "replica", "add", "good", "--kubo", node.API, "--pin")
	must(t, pub, "replica", "add", "dead", "--kubo", "http://127.0.0.1:1")

	// a later end of life, to the second: republish in the next second
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	start := time.Now()
	r = svcreg(t, pub, "republish", "--force", "--json")
	if r.code != exitNetwork || !strings.Contains(r.stderr, "replica dead") || time.Since(start) > 10*time.Second {
		t.Fatalf("republish with a dead replica: exit %d after %s: %s", r.code, time.Since(start), r.stderr)
	}
	var out republishOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.Resigned || out.Seq != before.Seq || out.Expires <= before.Expires || len(out.Replicas) != 2 {
		t.Fatalf("republish: %+v, before %+v", out, before)
	}
	if got := strings.TrimSpace(node.MustRun(t, "name", "resolve", name)); got != "/ipfs/"+before.Root {
		t.Fatalf("kubo resolves %s, want /ipfs/%s", got, before.Root)
	}
	var ls []replicaOut
	mustJSON(t, &ls, pub, "replica", "ls", "--json")
	if len(ls) != 2 || ls[0].Name != "dead" || ls[0].LastFailure == "" || ls[0].Lag != before.Seq ||
		ls[1].Name != "good" || ls[1].LastSuccess == "" || ls[1].Lag != 0 || ls[1].Seq != before.Seq {
		t.Fatalf("replica ls: %+v", ls)
	}
	// not due: nothing is re-signed, the good replica is pushed again
	must(t, pub, "replica", "rm", "dead")
	var again republishOut
	mustJSON(t, &again, pub, "republish", "--json")
	if again.Resigned || len(again.Replicas) != 1 || again.Replicas[0].Error != "" {
		t.Fatalf("republish when not due: %+v", again)
	}
}

// republishOut is the documented JSON of `republish --json` (docs/CLI.md).
type republishOut struct {
	Registry string        `json:"registry"`
	Seq      uint64        `json:"seq"`
	Resigned bool          `json:"resigned"`
	Expires  string        `json:"expires"`
	Due      string        `json:"due"`
	Replicas []replicaPush `json:"replicas"`
}

// replicaPush is one replica's entry in republishOut.
type replicaPush struct {
	Name     string `json:"name"`
	Kubo     string `json:"kubo"`
	Attempts int    `json:"attempts"`
	Blocks   uint64 `json:"blocks"`
	Record   string `json:"record"`
	Error    string `json:"error"`
}

// replicaOut is the documented JSON of one replica in `replica ls --json`.
type replicaOut struct {
	Name        string `json:"name"`
	Kubo        string `json:"kubo"`
	Pin         bool   `json:"pin"`
	LastSuccess string `json:"last_success"`
	LastFailure string `json:"last_failure"`
	LastError   string `json:"last_error"`
	Seq         uint64 `json:"seq"`
	Lag         uint64 `json:"lag"`
}
