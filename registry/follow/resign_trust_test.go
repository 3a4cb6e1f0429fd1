package follow_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/registrytest"
)

func seedKey(b byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b}, ed25519.SeedSize))
}

// TestResignRefusesUnpublishedHead: a node holding the IPNS key of a
// registry with a Root re-signs the record of a publish-signed head, and
// refuses (ErrWillNotSign, registry.ErrUntrusted) a head whose manifest
// lacks the publish threshold or drops the Root: its record stays as it
// was. A node cannot forge what clients install.
func TestResignRefusesUnpublishedHead(t *testing.T) {
	ctx := t.Context()
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Truncate(time.Second)
	clock := func() time.Time { return now }
	blocks := registrytest.NewBlocks()
	index := bolt.NewTransient(filepath.Join(t.TempDir(), "index.db"), nil)
	signer := &ipns.Signer{Key: k, Lifetime: time.Hour, TTL: time.Minute, Now: clock}
	reg, err := registry.New(registry.Config{Blocks: blocks, Index: index, Signer: signer, Now: clock,
		PublishKeys: []registry.PublishKey{registry.Ed25519PublishKey(seedKey(2))}})
	if err != nil {
		t.Fatal(err)
	}
	rootKey, pubKey := seedKey(1), seedKey(2)
	rp, pp := rootKey.Public().(ed25519.PublicKey), pubKey.Public().(ed25519.PublicKey)
	root := trust.Root{
		Registry: k.Name(), Version: 1, Expires: now.AddDate(1, 0, 0), MaxRecordLifetime: 48 * time.Hour,
		Keys: map[string]ed25519.PublicKey{trust.KeyID(rp): rp, trust.KeyID(pp): pp},
		Roles: map[string]trust.Role{
			trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(rp)}, Threshold: 1},
			trust.RolePublish: {KeyIDs: []string{trust.KeyID(pp)}, Threshold: 1},
		},
	}
	sig, err := trust.SignRoot(rootKey, &root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.InitRoot(ctx, &trust.SignedRoot{Root: root, Signatures: []manifest.Signature{sig}}); err != nil {
		t.Fatal(err)
	}
	name, _ := ipns.ParseRegistryName(k.Name())
	f, err := follow.New(follow.Config{Name: name, Own: true, Blocks: blocks, Index: index, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := f.Resign(ctx, k, true); err != nil || !r.Resigned {
		t.Fatalf("re-sign a publish-signed head: %+v, %v", r, err)
	}

	// forge moves the head to a manifest after it, changed by mutate and
	// without publish signatures, as someone with the node's index could.
	forge := func(mutate func(m *manifest.Manifest)) registry.Head {
		h, m, err := reg.Manifest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		next := *m
		next.Seq, next.Prev, next.Change, next.Signatures = h.Seq+1, h.Root, "forged", nil
		mutate(&next)
		b, err := manifest.EncodeManifest(&next)
		if err != nil {
			t.Fatal(err)
		}
		blocks.Put(ctx, b.CID, b.Data)
		raw, err := signer.Sign(b.CID, next.Seq)
		if err != nil {
			t.Fatal(err)
		}
		nh := registry.Head{Name: k.Name(), Root: b.CID, Seq: next.Seq, Record: raw}
		if err := index.SwapHead(ctx, h.Seq, nh); err != nil {
			t.Fatal(err)
		}
		return nh
	}
	for _, tc := range []struct {
		name   string
		mutate func(m *manifest.Manifest)
		want   error
	}{
		{"no publish signature", func(m *manifest.Manifest) {}, trust.ErrThreshold},
		{"signed by a key the root does not list", func(m *manifest.Manifest) {
			s, err := trust.SignManifest(seedKey(9), m)
			if err != nil {
				t.Fatal(err)
			}
			m.Signatures = []manifest.Signature{s}
		}, trust.ErrThreshold},
		{"no root", func(m *manifest.Manifest) { m.Root = cid.Undef }, registry.ErrDowngrade},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := forge(tc.mutate)
			_, err := f.Resign(ctx, k, true)
			for _, w := range []error{follow.ErrWillNotSign, registry.ErrUntrusted, tc.want} {
				if !errors.Is(err, w) {
					t.Fatalf("re-sign: %v, want %v", err, w)
				}
			}
			if got, _ := index.Head(context.Background(), k.Name()); !bytes.Equal(got.Record, h.Record) {
				t.Fatal("the record was replaced")
			}
		})
	}
}
