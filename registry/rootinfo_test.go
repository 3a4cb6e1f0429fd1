package registry_test

import (
	"context"
	"encoding/json"
	"testing"

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
