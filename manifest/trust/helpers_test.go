package trust_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"slices"
	"testing"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/manifest/trust"
)

const (
	testRegistry  = "k51qzi5uqu5dkvlw96qo5an078oae3hglhzk1a81bijbifqli1l3qg3762f7bp"
	otherRegistry = "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
)

// t0 is the fixtures' "now": 2026-01-01T00:00:00Z.
var t0 = time.Unix(1767225600, 0).UTC()

// key returns the test key called name, made from a fixed seed, so every
// signature in the tests and fixtures is the same on every run (ed25519
// signatures are deterministic).
func key(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("svcreg trust test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

func pub(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func id(k ed25519.PrivateKey) string { return trust.KeyID(pub(k)) }

// newRoot returns a Root of registry testRegistry whose root and publish
// roles hold the given keys and thresholds, expiring a year after t0.
func newRoot(version uint64, prev cid.Cid, rootKeys []ed25519.PrivateKey, rootT int, publishKeys []ed25519.PrivateKey, publishT int) *trust.Root {
	r := &trust.Root{
		Registry: testRegistry, Version: version, Prev: prev,
		Expires: t0.AddDate(1, 0, 0), MaxRecordLifetime: 48 * time.Hour,
		Keys:  map[string]ed25519.PublicKey{},
		Roles: map[string]trust.Role{},
	}
	role := func(keys []ed25519.PrivateKey, threshold int) trust.Role {
		ro := trust.Role{Threshold: threshold}
		for _, k := range keys {
			r.Keys[id(k)] = pub(k)
			ro.KeyIDs = append(ro.KeyIDs, id(k))
		}
		slices.Sort(ro.KeyIDs)
		return ro
	}
	r.Roles[trust.RoleRoot] = role(rootKeys, rootT)
	r.Roles[trust.RolePublish] = role(publishKeys, publishT)
	return r
}

// signed returns r signed by keys, in that order.
func signed(t testing.TB, r *trust.Root, keys ...ed25519.PrivateKey) *trust.SignedRoot {
	t.Helper()
	sr := &trust.SignedRoot{Root: *r, Signatures: []trust.Signature{}}
	for _, k := range keys {
		s, err := trust.SignRoot(k, r)
		if err != nil {
			t.Fatalf("SignRoot: %v", err)
		}
		sr.Signatures = append(sr.Signatures, s)
	}
	return sr
}

func mustEncode(t testing.TB, sr *trust.SignedRoot) manifest.Block {
	t.Helper()
	b, err := trust.EncodeSignedRoot(sr)
	if err != nil {
		t.Fatalf("EncodeSignedRoot: %v", err)
	}
	return b
}

func keys(names ...string) []ed25519.PrivateKey {
	out := make([]ed25519.PrivateKey, len(names))
	for i, n := range names {
		out[i] = key(n)
	}
	return out
}

// testManifest is a manifest of testRegistry linking root, signed by keys.
func testManifest(t testing.TB, root cid.Cid, signers ...ed25519.PrivateKey) *manifest.Manifest {
	t.Helper()
	m := &manifest.Manifest{
		Registry: testRegistry, Seq: 1, Time: t0, Change: "init",
		Services: cid.MustParse("bafyreigbtj4x7ip5legnfznufuopl4sg4knzc2cof6duas4b3q2fy6swua"),
		Root:     root,
	}
	for _, k := range signers {
		s, err := trust.SignManifest(k, m)
		if err != nil {
			t.Fatalf("SignManifest: %v", err)
		}
		m.Signatures = append(m.Signatures, s)
	}
	return m
}
