package manifest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// A version-1 lock and a version-2 lock differ only in lockfileVersion
// and the trust object at the end: a lock of a registry without a Root
// stays byte for byte what it was before version 2 existed.
func TestLockTrustLayout(t *testing.T) {
	v2 := goldenLocks["trust"]
	v1 := *v2
	v1.Trust = nil
	a, b := string(encodeLock(t, &v1)), string(encodeLock(t, v2))
	if !strings.HasPrefix(a, "{\n  \"lockfileVersion\": 1,\n") || !strings.HasPrefix(b, "{\n  \"lockfileVersion\": 2,\n") {
		t.Fatalf("versions:\n%s\n%s", a, b)
	}
	want := strings.Replace(strings.TrimSuffix(a, "  }\n}\n"), `"lockfileVersion": 1`, `"lockfileVersion": 2`, 1) +
		"  },\n  \"trust\": {\n    \"root\": {\"/\": \"" + lockTrustRoot.String() + "\"},\n    \"rootVersion\": 2\n  }\n}\n"
	if b != want {
		t.Fatalf("version 2:\n%s\nwant\n%s", b, want)
	}
	if v1.Equal(v2) || !v2.Equal(goldenLocks["trust"]) {
		t.Fatal("Equal ignores the trust root")
	}
	other := *v2
	other.Trust = &manifest.LockTrust{Root: lockTrustRoot, Version: 3}
	if other.Equal(v2) {
		t.Fatal("Equal ignores the root version")
	}
}

func TestDecodeLockTrustErrors(t *testing.T) {
	good := string(encodeLock(t, goldenLocks["trust"]))
	trustLine := `"root": {"/": "` + lockTrustRoot.String() + `"}`
	edit := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, in, want string
	}{
		{"trust not an object", edit(`"trust": {`, `"trust": 1, "x": {`), "trust must be an object, not a number"},
		{"trust null", edit(`"trust": {`, `"trust": null, "x": {`), "trust must be an object, not null"},
		{"unknown trust field", edit(`"rootVersion": 2`, `"rootVersion": 2, "keys": []`), `trust: unknown field "keys" (known: root, rootVersion)`},
		{"duplicate trust field", edit(`"rootVersion": 2`, `"rootVersion": 2, "rootVersion": 3`), `trust: duplicate key "rootVersion"`},
		{"missing root", edit(trustLine+",", ``), `trust: missing field "root"`},
		{"missing version", edit(`,
    "rootVersion": 2`, ``), `trust: missing field "rootVersion"`},
		{"root not a link", edit(trustLine, `"root": "`+lockTrustRoot.String()+`"`), "trust.root must be an object, not a string"},
		{"root not a CID", edit(trustLine, `"root": {"/": "bafyreinot"}`), "trust.root: \"bafyreinot\" is not a CID"},
		{"root not dag-cbor", edit(trustLine, `"root": {"/": "`+lockDirV1.String()+`"}`), "is not a trust root block cid"},
		{"root cidv0", edit(trustLine, `"root": {"/": "`+lockDirV0.String()+`"}`), "is not a trust root block cid"},
		{"version 0", edit(`"rootVersion": 2`, `"rootVersion": 0`), "trust.rootVersion 0 is out of range"},
		{"version negative", edit(`"rootVersion": 2`, `"rootVersion": -2`), "trust.rootVersion must be a whole number"},
		{"version too large", edit(`"rootVersion": 2`, `"rootVersion": 9223372036854775808`), "trust.rootVersion must be a whole number"},
		{"version a string", edit(`"rootVersion": 2`, `"rootVersion": "2"`), "trust.rootVersion must be a number, not a string"},
		{"missing trust", edit(`  },
  "trust": {
    `+trustLine+`,
    "rootVersion": 2
  }`, `  }`), `the lockfile: missing field "trust"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := manifest.DecodeLock(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("decoded %+v, want error %q", l, tt.want)
			}
			if !errors.Is(err, manifest.ErrInvalidLock) {
				t.Errorf("error does not wrap ErrInvalidLock: %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEncodeLockRefusesInvalidTrust(t *testing.T) {
	for name, tr := range map[string]*manifest.LockTrust{
		"no root":       {Version: 1},
		"raw root":      {Root: cid.NewCidV1(cid.Raw, lockRoot.Hash()), Version: 1},
		"version 0":     {Root: lockTrustRoot},
		"version > max": {Root: lockTrustRoot, Version: 1 << 63},
	} {
		t.Run(name, func(t *testing.T) {
			l := *goldenLocks["trust"]
			l.Trust = tr
			var b bytes.Buffer
			if err := manifest.EncodeLock(&b, &l); !errors.Is(err, manifest.ErrInvalidLock) || b.Len() != 0 {
				t.Fatalf("EncodeLock = %v (%d bytes), want ErrInvalidLock and nothing written", err, b.Len())
			}
		})
	}
}

// The project file pins a trust root by its CID, as a string.
func TestDecodeProjectRootPin(t *testing.T) {
	p := decodeProject(t, `{"registry": "`+lockRegistry+`", "root": "`+lockTrustRoot.String()+`"}`)
	if !p.Root.Equals(lockTrustRoot) {
		t.Fatalf("root = %v, want %s", p.Root, lockTrustRoot)
	}
	var b bytes.Buffer
	if err := manifest.EncodeProject(&b, p); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"registry\": \"" + lockRegistry + "\",\n  \"root\": \"" + lockTrustRoot.String() + "\",\n  \"services\": {}\n}\n"
	if b.String() != want {
		t.Fatalf("encoded\n%s\nwant\n%s", b.String(), want)
	}
	if p := decodeProject(t, `{"registry": "`+lockRegistry+`"}`); p.Root.Defined() {
		t.Fatalf("root = %v without a pin", p.Root)
	}
	for name, tt := range map[string]struct{ root, want string }{
		"not a CID":      {`"bafyreinot"`, `line 1: root: "bafyreinot" is not a CID`},
		"empty":          {`""`, `root: "" is not a CID`},
		"a link":         {`{"/": "` + lockTrustRoot.String() + `"}`, "root must be a string, not an object"},
		"not dag-cbor":   {`"` + lockDirV1.String() + `"`, "is not a trust root block cid"},
		"cidv0":          {`"` + lockDirV0.String() + `"`, "is not a trust root block cid"},
		"repeated":       {`"` + lockTrustRoot.String() + `", "root": "` + lockTrustRoot.String() + `"`, `duplicate key "root"`},
		"not a string":   {`2`, "root must be a string, not a number"},
		"null":           {`null`, "root must be a string, not null"},
		"spaces":         {`" ` + lockTrustRoot.String() + `"`, "is not a CID"},
		"too long a CID": {`"` + strings.Repeat("b", 200) + `"`, "is not a CID"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := manifest.DecodeProject(strings.NewReader(`{"registry": "` + lockRegistry + `", "root": ` + tt.root + `}`))
			if !errors.Is(err, manifest.ErrInvalidProject) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeProject = %v, want ErrInvalidProject with %q", err, tt.want)
			}
		})
	}
}
