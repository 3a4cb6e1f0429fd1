package home

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
)

// ErrNotPublicKey is returned by LoadPublicKey for a file that holds no
// ed25519 public key, and by KeyIDOf for a word that is neither such a
// file nor a key id.
var ErrNotPublicKey = errors.New("not an ed25519 public key")

// maxPubFile is the largest public key file read.
const maxPubFile = 1 << 10

// LoadPublicKey reads a public key file (PubSuffix): the lower-case hex of
// an ed25519 public key's 32 bytes, surrounding white space ignored.
func LoadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) > maxPubFile {
		return nil, fmt.Errorf("public key %s: %w: %d bytes", path, ErrNotPublicKey, len(data))
	}
	raw, err := hex.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("public key %s: %w: want %d bytes in hex", path, ErrNotPublicKey, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}

// KeyIDOf returns the key id that s names: the id of the public key in
// the file s (LoadPublicKey) when it exists, else s itself when it is a
// key id (64 lower-case hex digits).
func KeyIDOf(s string) (string, error) {
	pub, err := LoadPublicKey(s)
	switch {
	case err == nil:
		return trust.KeyID(pub), nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", err
	}
	if raw, err := hex.DecodeString(s); err == nil && len(raw) == 32 && hex.EncodeToString(raw) == s {
		return s, nil
	}
	return "", fmt.Errorf("%q: %w: neither a public key file nor a key id (64 hex digits)", s, ErrNotPublicKey)
}

// RoleKeyFile names the public key file (PubSuffix) of a key for a role
// (trust.RoleRoot, trust.RolePublish).
type RoleKeyFile struct{ Role, Path string }

// RootChangeKeys reads the keys a Root change adds (the public key files
// add, LoadPublicKey) and removes (key files or ids, KeyIDOf) into ch.
func RootChangeKeys(ch *registry.RootChange, add []RoleKeyFile, remove []string) error {
	for _, f := range add {
		pub, err := LoadPublicKey(f.Path)
		if err != nil {
			return err
		}
		ch.Add = append(ch.Add, registry.RoleKey{Role: f.Role, Key: pub})
	}
	for _, k := range remove {
		id, err := KeyIDOf(k)
		if err != nil {
			return err
		}
		ch.Remove = append(ch.Remove, id)
	}
	return nil
}
