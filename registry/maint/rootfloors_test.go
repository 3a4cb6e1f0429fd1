package maint_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/maint"
)

// fsck --repair rebuilds a registry's root floor from the Root its head's
// publish-signed manifest links: the rebuilt index refuses a downgrade as
// the lost one did, instead of trusting the next Root on first use.
func TestCheckRebuildKeepsRootFloor(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bs, err := flatfs.Open(filepath.Join(dir, "blocks"), &flatfs.Options{NoSync: true, KeepCorrupt: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	key, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	indexPath := filepath.Join(dir, "index.db")
	idx, err := bolt.Open(indexPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	rootKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	pubKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
	reg, err := registry.New(registry.Config{Blocks: bs, Index: idx, Signer: ipns.NewSigner(key),
		PublishKeys: []registry.PublishKey{registry.Ed25519PublishKey(pubKey)}})
	if err != nil {
		t.Fatal(err)
	}
	rp, pp := rootKey.Public().(ed25519.PublicKey), pubKey.Public().(ed25519.PublicKey)
	root := trust.Root{
		Registry: key.Name(), Version: 1, Expires: time.Now().Truncate(time.Second).AddDate(1, 0, 0), MaxRecordLifetime: 48 * time.Hour,
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
	want, err := idx.RootFloor(ctx, key.Name())
	if err != nil || want.Version != 1 {
		t.Fatalf("root floor before: %+v, %v", want, err)
	}
	idx.Close()
	if err := os.Remove(indexPath); err != nil {
		t.Fatal(err)
	}

	rep, err := maint.Check(ctx, maint.CheckOptions{Blocks: bs, IndexPath: indexPath, Own: key.Name(), Repair: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Index != maint.IndexRebuilt || rep.Err() != nil {
		t.Fatalf("repair: index %v, problems %q", rep.Index, rep.Problems)
	}
	idx, err = bolt.Open(indexPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if got, err := idx.RootFloor(ctx, key.Name()); err != nil || got != want {
		t.Fatalf("root floor after the rebuild: %+v, %v; want %+v (repaired %q)", got, err, want, rep.Repaired)
	}
}
