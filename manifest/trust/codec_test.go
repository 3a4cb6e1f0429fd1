package trust_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

func TestRoundTrip(t *testing.T) {
	v1 := newRoot(1, cid.Undef, keys("a", "b"), 1, keys("p"), 1)
	sr := signed(t, v1, key("a"))
	b := mustEncode(t, sr)
	got, err := trust.DecodeSignedRoot(b.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Root.Equal(v1) || len(got.Signatures) != 1 || got.Signatures[0].KeyID != id(key("a")) {
		t.Fatalf("round trip: %+v", got)
	}
	rb, err := trust.EncodeRoot(v1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := trust.DecodeRoot(rb.Data)
	if err != nil || !r.Equal(v1) {
		t.Fatalf("DecodeRoot: %v, %+v", err, r)
	}
	// The envelope embeds the Root's own encoding.
	if !bytes.Contains(b.Data, rb.Data) {
		t.Fatal("the signed Root does not contain the Root's encoding")
	}
	unsigned := mustEncode(t, &trust.SignedRoot{Root: *v1})
	if _, err := trust.DecodeSignedRoot(unsigned.Data); err != nil {
		t.Fatalf("a Root not signed yet: %v", err)
	}
}

func TestEncodeRootRejects(t *testing.T) {
	prev := mustEncode(t, signed(t, newRoot(1, cid.Undef, keys("a"), 1, keys("p"), 1), key("a"))).CID
	cases := []struct {
		name string
		edit func(r *trust.Root)
	}{
		{"no registry", func(r *trust.Root) { r.Registry = "" }},
		{"version 0", func(r *trust.Root) { r.Version = 0 }},
		{"version 1 with prev", func(r *trust.Root) { r.Prev = prev }},
		{"version 2 without prev", func(r *trust.Root) { r.Version = 2 }},
		{"no record lifetime", func(r *trust.Root) { r.MaxRecordLifetime = 0 }},
		{"record lifetime not in seconds", func(r *trust.Root) { r.MaxRecordLifetime = 1500 * time.Millisecond }},
		{"threshold 0", func(r *trust.Root) { setRole(r, trust.RolePublish, 0) }},
		{"threshold above the keys", func(r *trust.Root) { setRole(r, trust.RoleRoot, 3) }},
		{"a key under another's id", func(r *trust.Root) { r.Keys[id(key("a"))] = pub(key("b")) }},
		{"a short key", func(r *trust.Root) { r.Keys[id(key("a"))] = pub(key("a"))[:31] }},
		{"a role key missing from keys", func(r *trust.Root) { delete(r.Keys, id(key("p"))) }},
		{"no publish role", func(r *trust.Root) { delete(r.Roles, trust.RolePublish) }},
		{"a third role", func(r *trust.Root) { r.Roles["timestamp"] = r.Roles[trust.RoleRoot] }},
		{"role keys out of order", func(r *trust.Root) {
			ro := r.Roles[trust.RoleRoot]
			ro.KeyIDs = []string{ro.KeyIDs[1], ro.KeyIDs[0]}
			r.Roles[trust.RoleRoot] = ro
		}},
		{"a role key twice", func(r *trust.Root) {
			ro := r.Roles[trust.RoleRoot]
			ro.KeyIDs = []string{ro.KeyIDs[0], ro.KeyIDs[0]}
			r.Roles[trust.RoleRoot] = ro
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRoot(1, cid.Undef, keys("a", "b"), 2, keys("p"), 1)
			tc.edit(r)
			if _, err := trust.EncodeRoot(r); !errors.Is(err, trust.ErrInvalid) {
				t.Fatalf("EncodeRoot: %v, want ErrInvalid", err)
			}
			if _, err := trust.EncodeSignedRoot(&trust.SignedRoot{Root: *r}); !errors.Is(err, trust.ErrInvalid) {
				t.Fatalf("EncodeSignedRoot: %v, want ErrInvalid", err)
			}
		})
	}
}

func setRole(r *trust.Root, name string, threshold int) {
	ro := r.Roles[name]
	ro.Threshold = threshold
	r.Roles[name] = ro
}

func TestDecodeRejects(t *testing.T) {
	g := goldens(t)
	v1 := g["root-v1"].Data
	t.Run("not canonical", func(t *testing.T) {
		// The same Root with "roles" before "keys": a second encoding
		// of one value.
		sr, _ := trust.DecodeSignedRoot(v1)
		rb, _ := trust.EncodeRoot(&sr.Root)
		if _, err := trust.DecodeRoot(swapFirstKeys(t, rb.Data)); !errors.Is(err, manifest.ErrNotCanonical) || !errors.Is(err, trust.ErrInvalid) {
			t.Fatalf("DecodeRoot: %v, want ErrNotCanonical and ErrInvalid", err)
		}
	})
	t.Run("a root as a signed root", func(t *testing.T) {
		sr, _ := trust.DecodeSignedRoot(v1)
		rb, _ := trust.EncodeRoot(&sr.Root)
		if _, err := trust.DecodeSignedRoot(rb.Data); !errors.Is(err, trust.ErrInvalid) {
			t.Fatalf("DecodeSignedRoot: %v, want ErrInvalid", err)
		}
	})
	t.Run("a manifest as a moved block", func(t *testing.T) {
		if _, err := trust.DecodeMoved(g["manifest-signed"].Data); !errors.Is(err, trust.ErrInvalid) {
			t.Fatalf("DecodeMoved: %v, want ErrInvalid", err)
		}
	})
	t.Run("indefinite length", func(t *testing.T) {
		if _, err := trust.DecodeSignedRoot([]byte{0xbf, 0xff}); !errors.Is(err, trust.ErrInvalid) {
			t.Fatalf("DecodeSignedRoot: %v, want ErrInvalid", err)
		}
	})
}

// swapFirstKeys returns a Root encoding with its first two entries
// ("keys" and "roles", four and five bytes) swapped.
func swapFirstKeys(t *testing.T, data []byte) []byte {
	t.Helper()
	i := bytes.Index(data, []byte("\x64keys"))
	j := bytes.Index(data, []byte("\x65roles"))
	k := bytes.Index(data, []byte("\x67expires"))
	if i != 1 || j < i || k < j {
		t.Fatalf("unexpected key order in %x", data)
	}
	out := []byte{data[0]}
	out = append(out, data[j:k]...)
	out = append(out, data[i:j]...)
	return append(out, data[k:]...)
}

func TestMovedRejects(t *testing.T) {
	root := goldens(t)["root-moved"].CID
	sig := trust.Signature{KeyID: strings.Repeat("0", 64), Sig: make([]byte, ed25519.SignatureSize)}
	for name, mv := range map[string]*trust.Moved{
		"no from":      {To: otherRegistry, Root: root},
		"no to":        {From: testRegistry, Root: root},
		"to itself":    {From: testRegistry, To: testRegistry, Root: root},
		"no root":      {From: testRegistry, To: otherRegistry},
		"a bad key id": {From: testRegistry, To: otherRegistry, Root: root, Signatures: []trust.Signature{{KeyID: "x", Sig: sig.Sig}}},
	} {
		if _, err := trust.EncodeMoved(mv); !errors.Is(err, trust.ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	// An empty signature list is a second encoding of "unsigned".
	b, err := trust.EncodeMoved(&trust.Moved{From: testRegistry, To: otherRegistry, Root: root, Signatures: []trust.Signature{sig}})
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b.Data, []byte("signatures"))
	empty := append(bytes.Clone(b.Data[:i+len("signatures")]), 0x80)
	if _, err := trust.DecodeMoved(empty); !errors.Is(err, trust.ErrInvalid) || !strings.Contains(err.Error(), "empty signature list") {
		t.Fatalf("DecodeMoved of an empty list: %v", err)
	}
}
