package manifest_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// signedManifest is a manifest with a root link and two publish
// signatures (of fixed, fake bytes: this package checks their form only).
func signedManifest() *manifest.Manifest {
	m := *goldenManifests["manifest-seq2"]
	m.Format = 2
	m.Root = cidOtherA
	m.Signatures = []manifest.Signature{
		{KeyID: strings.Repeat("ab", 32), Sig: bytes.Repeat([]byte{1}, 64)},
		{KeyID: strings.Repeat("01", 32), Sig: bytes.Repeat([]byte{2}, 64)},
	}
	return &m
}

func TestSignedManifestRoundTrip(t *testing.T) {
	m := signedManifest()
	b, err := manifest.EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := manifest.DecodeManifest(b.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, m)
	}
	// Without its signatures, the manifest is a valid block of its own;
	// without its root too, it is the manifest as encoded before Roots.
	u, err := manifest.EncodeManifest(m.Unsigned())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(u.Data, []byte("signatures")) || !bytes.Contains(u.Data, []byte("root")) {
		t.Fatalf("unsigned manifest %x: want a root and no signatures", u.Data)
	}
	plain := *m.Unsigned()
	plain.Format, plain.Root = 1, cid.Undef
	pb, err := manifest.EncodeManifest(&plain)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := readGolden(t, "manifest-seq2")
	if !bytes.Equal(pb.Data, data) {
		t.Fatalf("a manifest without root and signatures encodes as\n%x\nwant the golden\n%x", pb.Data, data)
	}
}

func TestSignedManifestRejects(t *testing.T) {
	sig := manifest.Signature{KeyID: strings.Repeat("ab", 32), Sig: make([]byte, 64)}
	cases := []struct {
		name string
		edit func(*manifest.Manifest)
		want error
	}{
		{"signatures without root", func(m *manifest.Manifest) { m.Root = cid.Undef }, manifest.ErrInvalidManifest},
		{"upper-case key id", func(m *manifest.Manifest) { m.Signatures[0].KeyID = strings.Repeat("AB", 32) }, manifest.ErrInvalidManifest},
		{"short key id", func(m *manifest.Manifest) { m.Signatures[0].KeyID = "ab" }, manifest.ErrInvalidManifest},
		{"short signature", func(m *manifest.Manifest) { m.Signatures[0].Sig = m.Signatures[0].Sig[:63] }, manifest.ErrInvalidManifest},
		{"33 signatures", func(m *manifest.Manifest) {
			m.Signatures = slices.Repeat([]manifest.Signature{sig}, manifest.MaxSignatures+1)
		}, manifest.ErrTooManySignatures},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := signedManifest()
			tc.edit(m)
			if _, err := manifest.EncodeManifest(m); !errors.Is(err, tc.want) {
				t.Fatalf("EncodeManifest: %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("32 signatures", func(t *testing.T) {
		m := signedManifest()
		m.Signatures = slices.Repeat([]manifest.Signature{sig}, manifest.MaxSignatures)
		if _, err := manifest.EncodeManifest(m); err != nil {
			t.Fatal(err)
		}
	})
}

// An empty signature list is a second encoding of "unsigned": refused.
func TestDecodeManifestRefusesEmptySignatures(t *testing.T) {
	m := signedManifest()
	b, err := manifest.EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	// Replace the signatures' array head (2 items) by an empty one and
	// drop the items: the list is the last value, "signatures" the
	// longest key.
	i := bytes.Index(b.Data, []byte("signatures"))
	data := append(bytes.Clone(b.Data[:i+len("signatures")]), 0x80)
	if _, err := manifest.DecodeManifest(data); !errors.Is(err, manifest.ErrInvalidManifest) || !strings.Contains(err.Error(), "empty signature list") {
		t.Fatalf("DecodeManifest: %v, want ErrInvalidManifest", err)
	}
}
