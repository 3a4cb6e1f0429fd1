package registry_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// TestLockChangeJSON: each kind of change as `svcreg lock` prints it,
// one line of text and the documented JSON object.
func TestLockChangeJSON(t *testing.T) {
	c, err := cid.Prefix{Version: 1, Codec: cid.Raw, MhType: multihash.SHA2_256, MhLength: -1}.Sum([]byte("web"))
	if err != nil {
		t.Fatal(err)
	}
	entry := func(v, rng string) *manifest.LockEntry {
		return &manifest.LockEntry{Range: rng, Version: manifest.MustParseVersion(v), CID: c}
	}
	tests := []struct {
		name     string
		change   registry.LockChange
		text     string
		wantJSON string
	}{
		{"added", registry.LockChange{Service: "web", New: entry("1.2.0", "^1.0.0")},
			"added   web@1.2.0 " + c.String(),
			`{"service":"web","change":"added","from":"","to":"1.2.0","cid":"` + c.String() + `","range":"^1.0.0","from_range":""}`},
		{"removed", registry.LockChange{Service: "web", Old: entry("1.2.0", "^1.0.0")},
			"removed web@1.2.0",
			`{"service":"web","change":"removed","from":"1.2.0","to":"","cid":"","range":"","from_range":""}`},
		{"updated", registry.LockChange{Service: "web", Old: entry("1.2.0", "^1.0.0"), New: entry("1.3.0", "^1.0.0")},
			"updated web 1.2.0 -> 1.3.0 " + c.String(),
			`{"service":"web","change":"updated","from":"1.2.0","to":"1.3.0","cid":"` + c.String() + `","range":"^1.0.0","from_range":""}`},
		{"range only", registry.LockChange{Service: "web", Old: entry("1.2.0", "^1.0.0"), New: entry("1.2.0", "~1.2")},
			`updated web@1.2.0: range "^1.0.0" -> "~1.2"`,
			`{"service":"web","change":"updated","from":"1.2.0","to":"1.2.0","cid":"` + c.String() + `","range":"~1.2","from_range":"^1.0.0"}`},
	}
	for _, tt := range tests {
		if got := tt.change.String(); got != tt.text {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.text)
		}
		b, err := json.Marshal(tt.change)
		if err != nil || string(b) != tt.wantJSON {
			t.Errorf("%s: JSON = %s, %v\nwant %s", tt.name, b, err, tt.wantJSON)
		}
	}
}

// TestFindingJSON: a finding's severity is spelled out, and its Err left
// out.
func TestFindingJSON(t *testing.T) {
	for _, tt := range []struct {
		f    registry.Finding
		want string
	}{
		{registry.Finding{Kind: registry.FindingYanked, Service: "web", Version: "1.2.0", Message: "yanked", Err: errors.New("x")},
			`{"kind":"yanked","severity":"error","service":"web","version":"1.2.0","message":"yanked"}`},
		{registry.Finding{Kind: registry.FindingUnverifiable, Warning: true, Message: "no gateway"},
			`{"kind":"unverifiable","severity":"warning","service":"","version":"","message":"no gateway"}`},
	} {
		if b, err := json.Marshal(tt.f); err != nil || string(b) != tt.want {
			t.Errorf("JSON = %s, %v\nwant %s", b, err, tt.want)
		}
	}
}
