package home

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// Role key files that Init writes into InitOptions.Roles: each private key
// in the format of the home's own key file (ipns.Key.Save, mode 0600), or
// that encrypted to a passphrase (SaveRoleKey), each public key beside it
// as PubSuffix: the lower-case hex of its 32 bytes and a newline.
const (
	RootKeyFile    = "root.key"
	PublishKeyFile = "publish.key"
	PubSuffix      = ".pub"
)

// RootLifetime is how long the Root that Init signs stays valid.
const RootLifetime = 365 * 24 * time.Hour

// ErrNotPublishKey is returned by LoadPublishKey for a file that is no
// ed25519 key.
var ErrNotPublishKey = errors.New("not a publish key")

// LoadPublishKey reads a publish key file (LoadRoleKey).
func LoadPublishKey(path string, passphrase []byte) (registry.PublishKey, error) {
	priv, err := LoadRoleKey(path, passphrase)
	if err != nil {
		return nil, fmt.Errorf("publish key: %w", err) // err names path
	}
	return registry.Ed25519PublishKey(priv), nil
}

// LoadRoleKey reads a role key file (root or publish): the format of the
// home's key file, with its permission rule (a file its group or others
// may read is refused, ipns.ErrKeyPermissions), or that format encrypted
// with age to a passphrase (an scrypt recipient: SaveRoleKey with a
// passphrase, or 'age -p'; binary or armored). passphrase decrypts an
// encrypted file and is ignored for a plain one; an encrypted file without
// one is ErrPassphraseRequired, with a wrong one ErrBadPassphrase, one
// that cannot be decrypted ErrInvalidEncryptedKey.
func LoadRoleKey(path string, passphrase []byte) (ed25519.PrivateKey, error) {
	b, err := ipnsname.ReadKeyFile(path)
	if errors.Is(err, ipnsname.ErrKeyFile) {
		return nil, fmt.Errorf("%w: %w", ipns.ErrInvalidKey, err)
	} else if err != nil {
		return nil, err
	}
	k, err := parseKeyFile(path, b, passphrase)
	if err != nil {
		return nil, err
	}
	return edKey(k)
}

func edKey(k *ipns.Key) (ed25519.PrivateKey, error) {
	raw, err := k.PrivKey().Raw()
	if err != nil || len(raw) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("%w: %d bytes", ErrNotPublishKey, len(raw))
	}
	return ed25519.PrivateKey(raw), nil
}

// newRoles makes a root key and a publish key in dir (created mode 0700
// when missing; existing key files are never replaced: ipns.ErrKeyExists),
// written by SaveRoleKey (encrypted when passphrase is not empty), and returns Root
// version 1 of the registry name, threshold 1 for each role, signed by
// the root key, and the publish key.
func newRoles(dir, name string, passphrase []byte, now time.Time) (*trust.SignedRoot, registry.PublishKey, error) {
	for _, f := range []string{RootKeyFile, RootKeyFile + PubSuffix, PublishKeyFile, PublishKeyFile + PubSuffix} {
		if _, err := os.Lstat(filepath.Join(dir, f)); err == nil {
			return nil, nil, fmt.Errorf("roles %s: %s: %w", dir, f, ipns.ErrKeyExists)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	keys := map[string]ed25519.PrivateKey{}
	for _, f := range []string{RootKeyFile, PublishKeyFile} {
		k, err := ipns.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		priv, err := edKey(k)
		if err != nil {
			return nil, nil, err
		}
		if err := SaveRoleKey(filepath.Join(dir, f), k, passphrase); err != nil {
			return nil, nil, err
		}
		keys[f] = priv
	}
	rootPub := keys[RootKeyFile].Public().(ed25519.PublicKey)
	pubPub := keys[PublishKeyFile].Public().(ed25519.PublicKey)
	r := trust.Root{
		Registry: name, Version: 1, Prev: cid.Undef,
		Expires: now.Add(RootLifetime).Truncate(time.Second), MaxRecordLifetime: ipns.MaxLifetime,
		Keys: map[string]ed25519.PublicKey{trust.KeyID(rootPub): rootPub, trust.KeyID(pubPub): pubPub},
		Roles: map[string]trust.Role{
			trust.RoleRoot:    {KeyIDs: []string{trust.KeyID(rootPub)}, Threshold: 1},
			trust.RolePublish: {KeyIDs: []string{trust.KeyID(pubPub)}, Threshold: 1},
		},
	}
	sig, err := trust.SignRoot(keys[RootKeyFile], &r)
	if err != nil {
		return nil, nil, err
	}
	return &trust.SignedRoot{Root: r, Signatures: []trust.Signature{sig}}, registry.Ed25519PublishKey(keys[PublishKeyFile]), nil
}
