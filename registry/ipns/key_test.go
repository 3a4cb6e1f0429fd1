package ipns

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/crypto/pb"
	"google.golang.org/protobuf/proto"
)

func TestFixedSeedName(t *testing.T) {
	// A zero seed always gives this key: names must never change with a
	// dependency upgrade.
	k := seedKey(t, 0)
	const want = "k51qzi5uqu5dhnwe629wdlncpql6frppdpwnz4wtlcw816aysd5wwlk63g4wmh"
	if k.Name() != want {
		t.Fatalf("Name() = %s, want %s", k.Name(), want)
	}
	if n := k.RegistryName(); n.String() != want {
		t.Fatalf("RegistryName() = %s, want %s", n, want)
	}
	if got, err := ParseName("12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"); err != nil || got != want {
		t.Fatalf("ParseName(peer id) = %s, %v; want %s", got, err, want)
	}
	if s := NewSigner(k); s.Name() != want {
		t.Fatalf("Signer.Name() = %s", s.Name())
	}
}

func TestMarshalParseKey(t *testing.T) {
	k, err := GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Name(), "k51") {
		t.Fatalf("name %s lacks the ed25519 k51 prefix", k.Name())
	}
	b, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := ParseKey(b)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Name() != k.Name() || !k2.PrivKey().Equals(k.PrivKey()) {
		t.Fatalf("round trip changed the key: %s vs %s", k2.Name(), k.Name())
	}

	// The legacy 96-byte form (seed, public key, public key again) parses.
	raw, _ := k.PrivKey().Raw()
	legacy, _ := proto.Marshal(&pb.PrivateKey{Type: pb.KeyType_Ed25519.Enum(), Data: append(raw, raw[32:]...)})
	if k3, err := ParseKey(legacy); err != nil || k3.Name() != k.Name() {
		t.Fatalf("ParseKey(96-byte form): %v", err)
	}
}

func TestParseKeyRejects(t *testing.T) {
	secp, _, err := crypto.GenerateSecp256k1Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	secpBytes, _ := crypto.MarshalPrivateKey(secp)
	ecdsa, _, err := crypto.GenerateECDSAKeyPair(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecdsaBytes, _ := crypto.MarshalPrivateKey(ecdsa)
	rsaBytes, _ := proto.Marshal(&pb.PrivateKey{Type: pb.KeyType_RSA.Enum(), Data: []byte("not parsed")})

	good, _ := seedKey(t, 1).PrivKey().Raw()
	mismatched := bytes.Clone(good)
	mismatched[40] ^= 1 // public half no longer derived from the seed
	mismatchedBytes, _ := proto.Marshal(&pb.PrivateKey{Type: pb.KeyType_Ed25519.Enum(), Data: mismatched})
	shortBytes, _ := proto.Marshal(&pb.PrivateKey{Type: pb.KeyType_Ed25519.Enum(), Data: good[:40]})

	tests := []struct {
		desc string
		b    []byte
		want error
	}{
		{"secp256k1", secpBytes, ErrUnsupportedKey},
		{"ecdsa", ecdsaBytes, ErrUnsupportedKey},
		{"rsa", rsaBytes, ErrUnsupportedKey},
		{"empty", nil, ErrInvalidKey},
		{"garbage", []byte("-----BEGIN PRIVATE KEY-----"), ErrInvalidKey},
		{"public half mismatch", mismatchedBytes, ErrInvalidKey},
		{"short ed25519", shortBytes, ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			if _, err := ParseKey(tt.b); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSaveLoadKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "registry.key")
	k := seedKey(t, 2)
	if err := k.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %o, want 600", fi.Mode().Perm())
	}
	k2, err := LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Name() != k.Name() {
		t.Fatalf("loaded %s, saved %s", k2.Name(), k.Name())
	}

	// Save never replaces a key, and leaves no temporary files behind.
	if err := seedKey(t, 3).Save(path); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("Save over an existing key: got %v, want ErrKeyExists", err)
	}
	if k3, err := LoadKey(path); err != nil || k3.Name() != k.Name() {
		t.Fatalf("key changed by refused Save: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the key", len(entries))
	}
}

func TestLoadKeyPermissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	b, err := seedKey(t, 4).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		mode os.FileMode
		want error
	}{
		{0o600, nil},
		{0o400, nil},
		{0o644, ErrKeyPermissions},
		{0o640, ErrKeyPermissions},
		{0o604, ErrKeyPermissions},
		{0o620, ErrKeyPermissions},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "k")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKey(path)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("error %q lacks the chmod hint", err)
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	good, _ := seedKey(f, 5).Marshal()
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{0x08, 0x01, 0x12, 0x40})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, err := ParseKey(b)
		if err != nil {
			return
		}
		again, err := k.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		k2, err := ParseKey(again)
		if err != nil || k2.Name() != k.Name() {
			t.Fatalf("re-parse: %v", err)
		}
	})
}
