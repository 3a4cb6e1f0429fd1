package registry_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
)

func TestNewRootInfo(t *testing.T) {
	f, v1CID := newRootFixture(t)
	cur, _, err := f.reg.CurrentRoot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	v1 := registry.NewRootInfo(v1CID, cur, nil)
	if v1.Version != 1 || v1.CID != v1CID.String() || v1.Prev != "" || v1.Signed != 1 || v1.PrevSigned != nil || v1.Changes != nil {
		t.Fatalf("v1: %+v", v1)
	}
	if got := v1.Roles[trust.RolePublish].Keys; len(got) != 1 || got[0] != trust.KeyID(pubOf(testKey(2))) {
		t.Fatalf("v1 publish keys %v", got)
	}

	sr := rotate(t, f, swapPublishKey(), testKey(1))
	v2 := registry.NewRootInfo(cid.Undef, sr, cur)
	if v2.Version != 2 || v2.Prev != v1CID.String() || v2.Signed != 1 || v2.PrevSigned == nil || *v2.PrevSigned != 1 {
		t.Fatalf("v2: %+v", v2)
	}
	ch := v2.Changes
	if ch == nil || ch.None() || ch.PrevVersion != 1 || ch.PrevThreshold != 1 || len(ch.Roles) != 1 || ch.Roles[0].Role != trust.RolePublish || ch.PrevExpires != "" {
		t.Fatalf("v2 changes: %+v", ch)
	}

	b, err := json.Marshal(v2)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"cid", "registry", "version", "prev", "expires", "max_record_lifetime", "roles", "signed", "prev_signed"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("JSON %s lacks %q", b, k)
		}
	}
	if len(keys) != 9 {
		t.Errorf("JSON %s has %d keys, want 9", b, len(keys))
	}
}

func TestRootInfoText(t *testing.T) {
	two := 2
	roles := map[string]registry.RootRoleInfo{
		trust.RoleRoot:    {Keys: []string{"r1", "r2"}, Threshold: 2},
		trust.RolePublish: {Keys: []string{"p1"}, Threshold: 1},
	}
	base := registry.RootInfo{CID: "bafyroot", Registry: "k51reg", Version: 1, Expires: "2027-01-01T00:00:00Z",
		RecordLifetime: 48 * time.Hour, Roles: roles, Signed: 1}
	changed := base
	changed.Version, changed.Signed, changed.PrevSigned = 2, 2, &two
	changed.Changes = &registry.RootChanges{PrevVersion: 1, PrevThreshold: 2, PrevExpires: "2026-06-01T00:00:00Z",
		Roles: []registry.RoleDiff{{Role: trust.RolePublish, Added: []string{"p1"}, Removed: []string{"p0"}, OldThreshold: 2, Threshold: 1}}}
	same := changed
	same.Changes = &registry.RootChanges{PrevVersion: 1, PrevThreshold: 2}
	head := "expires 2027-01-01T00:00:00Z; records valid up to 48h0m0s\nroot: 2 of 2 keys: r1 r2\npublish: 1 of 1 keys: p1\n"
	for _, tc := range []struct {
		name string
		info registry.RootInfo
		want string
	}{
		{"first", base, "root v1 of k51reg (bafyroot)\n" + head + "signed by 1 root keys of v1 (2 needed)\n"},
		{"changed", changed, "root v2 of k51reg (bafyroot)\n" + head +
			"changes from v1:\n  publish: +p1 -p0 threshold 2 → 1\n  expires: 2026-06-01T00:00:00Z → 2027-01-01T00:00:00Z\n" +
			"signed by 2 root keys of v2 (2 needed) and 2 of v1 (2 needed)\n"},
		{"unchanged", same, "root v2 of k51reg (bafyroot)\n" + head + "changes from v1: none\n" +
			"signed by 2 root keys of v2 (2 needed) and 2 of v1 (2 needed)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.info.Text(); got != tc.want {
				t.Errorf("Text:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
