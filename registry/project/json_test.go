package project_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/project"
)

// TestLockResultJSON: a lock's outcome as `svcreg lock --json` documents
// it, with lists that are never null.
func TestLockResultJSON(t *testing.T) {
	f := newFixture(t, "web@1.0.0", "web@1.2.0")
	ctx := context.Background()
	p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^1.0.0"`), names{})
	res, err := p.Lock(ctx, f.reg, nil, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Lockfile string           `json:"lockfile"`
		Written  bool             `json:"written"`
		Registry string           `json:"registry"`
		Root     string           `json:"root"`
		Seq      uint64           `json:"seq"`
		Services int              `json:"services"`
		Changes  []map[string]any `json:"changes"`
		Warnings []string         `json:"warnings"`
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Lockfile != p.LockPath || !got.Written || got.Registry != f.name.String() || got.Root != res.Lock.Root.String() ||
		got.Seq != 3 || got.Services != 1 || len(got.Changes) != 1 || got.Changes[0]["to"] != "1.2.0" || got.Warnings == nil {
		t.Fatalf("lock JSON: %s", b)
	}

	lf, err := project.ReadLock(p.LockPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err = p.Lock(ctx, f.reg, lf, registry.LockOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res.Findings = append(res.Findings, registry.Finding{Kind: registry.FindingUnverifiable, Warning: true, Message: "a gateway is down"})
	if b, err = json.Marshal(res); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"written":false`)) || !bytes.Contains(b, []byte(`"changes":[]`)) || !bytes.Contains(b, []byte(`"trust":null`)) ||
		!bytes.Contains(b, []byte(`"warnings":["a gateway is down"]`)) {
		t.Fatalf("lock JSON with nothing to change: %s", b)
	}
}

// TestOverview: what a report says, with and without a lock and a state
// checked against.
func TestOverview(t *testing.T) {
	f := newFixture(t, "web@1.0.0")
	ctx := context.Background()
	p := mustLoad(t, writeProject(t, f.name.String(), `"web": "^1.0.0"`), names{})
	rep := &project.Report{}
	if o := p.Overview(rep); o.Lockfile != p.LockPath || o.Registry != f.name.String() || o.Root != "" || o.Seq != 0 ||
		o.Services != 0 || o.Findings == nil {
		t.Fatalf("empty report: %+v", o)
	}
	if _, err := p.Lock(ctx, f.reg, nil, registry.LockOptions{}); err != nil {
		t.Fatal(err)
	}
	rep, err := p.Inspect()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckRegistry(ctx, rep, f.reg, nil, registry.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	if o := p.Overview(rep); o.Root != rep.Head.Root.String() || o.Seq != 2 || o.Services != 1 || len(o.Findings) != 0 {
		t.Fatalf("checked report: %+v", o)
	}
}

// TestTarget: the gateways given replace the project's, and a home that
// holds the registry's key follows it as its own.
func TestTarget(t *testing.T) {
	f := newFixture(t)
	p := mustLoad(t, writeProject(t, f.name.String(), ``), names{})
	p.Config.Gateways = []string{"https://gw.example"}
	hm, err := home.Open(filepath.Join(t.TempDir(), "home"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hm.Close()

	tg, err := project.Target(hm, p.Config, p.Registry, nil)
	if err != nil || tg.Name != p.Registry || tg.Own || !slices.Equal(tg.Gateways, p.Config.Gateways) {
		t.Fatalf("a consumer's home: %+v, %v", tg, err)
	}
	given := []string{"http://127.0.0.1:8080"}
	if tg, err = project.Target(hm, p.Config, p.Registry, given); err != nil || !slices.Equal(tg.Gateways, given) {
		t.Fatalf("--gateway: %+v, %v", tg, err)
	}

	key, err := ipns.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64))) // the fixture's
	if err != nil {
		t.Fatal(err)
	}
	if err := hm.MkdirAll(); err != nil {
		t.Fatal(err)
	}
	if err := hm.SaveKey(key); err != nil {
		t.Fatal(err)
	}
	if tg, err = project.Target(hm, p.Config, p.Registry, nil); err != nil || !tg.Own {
		t.Fatalf("the publisher's home: %+v, %v", tg, err)
	}
	other := mustLoad(t, writeProject(t, "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8", ``), names{})
	if tg, err = project.Target(hm, other.Config, other.Registry, nil); err != nil || tg.Own {
		t.Fatalf("another registry in the publisher's home: %+v, %v", tg, err)
	}
}
