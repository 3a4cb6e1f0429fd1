package home

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// ErrPassphraseRequired is returned by LoadRoleKey for a key file
// encrypted with a passphrase when none was given.
var ErrPassphraseRequired = errors.New("key file is encrypted with a passphrase, and none was given")

// ErrBadPassphrase is returned by LoadRoleKey when the passphrase given
// does not decrypt the key file.
var ErrBadPassphrase = errors.New("wrong passphrase for the encrypted key file")

// ErrInvalidEncryptedKey is returned by LoadRoleKey for an age file that
// cannot be decrypted with a passphrase: damaged or truncated, or
// encrypted to a recipient key rather than to a passphrase.
var ErrInvalidEncryptedKey = errors.New("invalid encrypted key file")

// ageHeader and ageArmor start an age file, binary and armored.
const (
	ageHeader = "age-encryption.org/"
	ageArmor  = armor.Header
)

// scryptWorkFactor is the scrypt work factor (log2 N) of the key files
// SaveRoleKey encrypts: age's default, about a second on a laptop.
var scryptWorkFactor = 18

// Encrypted reports whether b, the bytes of a key file, is an age file.
func Encrypted(b []byte) bool {
	return bytes.HasPrefix(b, []byte(ageHeader)) || bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte(ageArmor))
}

// parseKeyFile parses b, the bytes of the key file at path, decrypting
// it with passphrase first when it is an age file.
func parseKeyFile(path string, b, passphrase []byte) (*ipns.Key, error) {
	var err error
	if Encrypted(b) {
		if b, err = decryptKey(b, passphrase); err != nil {
			return nil, fmt.Errorf("load key %s: %w", path, err)
		}
	}
	k, err := ipns.ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	return k, nil
}

// decryptKey decrypts the age file b with passphrase.
func decryptKey(b, passphrase []byte) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, ErrPassphraseRequired
	}
	id, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, err
	}
	var src io.Reader = bytes.NewReader(b)
	if !bytes.HasPrefix(b, []byte(ageHeader)) {
		src = armor.NewReader(src)
	}
	r, err := age.Decrypt(src, id)
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch) && slices.Contains(nomatch.StanzaTypes, "scrypt"):
		return nil, ErrBadPassphrase
	case errors.As(err, &nomatch):
		return nil, fmt.Errorf("%w: encrypted to a key (%v), not to a passphrase", ErrInvalidEncryptedKey, nomatch.StanzaTypes)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalidEncryptedKey, err)
	}
	plain, err := io.ReadAll(io.LimitReader(r, ipnsname.MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidEncryptedKey, err)
	}
	return plain, nil
}

// NewRoleKey makes a new ed25519 key and writes it as a role key file
// (SaveRoleKey). It returns the public key.
func NewRoleKey(path string, passphrase []byte) (ed25519.PublicKey, error) {
	k, err := ipns.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	priv, err := edKey(k)
	if err != nil {
		return nil, err
	}
	if err := SaveRoleKey(path, k, passphrase); err != nil {
		return nil, err
	}
	return priv.Public().(ed25519.PublicKey), nil
}

// SaveRoleKey writes k to path, a new file with mode 0600, and its public
// key to path+PubSuffix (lower-case hex and a newline, mode 0644). Neither
// may exist: a file, symlink or device at either path is never replaced
// (ipns.ErrKeyExists), and the key file appears complete or not at all.
// With a passphrase the key file is the plain format encrypted with age
// to it (an scrypt recipient, which 'age -d' decrypts too); without one
// it is the format of the home's key file (ipns.Key.Save).
func SaveRoleKey(path string, k *ipns.Key, passphrase []byte) error {
	priv, err := edKey(k)
	if err != nil {
		return err
	}
	for _, p := range []string{path, path + PubSuffix} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("save key %s: %w", p, ipns.ErrKeyExists)
		}
	}
	if len(passphrase) == 0 {
		err = k.Save(path)
	} else {
		err = saveEncrypted(path, k, passphrase)
	}
	if err != nil {
		return err
	}
	pub := hex.EncodeToString(priv.Public().(ed25519.PublicKey)) + "\n"
	if err := writeNew(path+PubSuffix, []byte(pub), 0o644); err != nil {
		os.Remove(path) // just made: nobody has it yet
		return fmt.Errorf("save key %s: %w", path+PubSuffix, err)
	}
	return nil
}

// saveEncrypted writes k encrypted to passphrase to the new file path.
func saveEncrypted(path string, k *ipns.Key, passphrase []byte) error {
	plain, err := k.Marshal()
	if err != nil {
		return err
	}
	rcpt, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return err
	}
	rcpt.SetWorkFactor(scryptWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rcpt)
	if err != nil {
		return fmt.Errorf("encrypt key: %w", err)
	}
	if _, err := w.Write(plain); err != nil {
		return fmt.Errorf("encrypt key: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("encrypt key: %w", err)
	}
	if err := writeNew(path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save key %s: %w", path, err)
	}
	return nil
}

// writeNew writes data to path, which must not exist (ipns.ErrKeyExists):
// a temporary file in the same directory, synced, then linked to path, so
// that path appears complete or not at all and nothing there is replaced.
func writeNew(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".key-*.tmp") // mode 0600
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // the path, not the temporary file's name
	}
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return ipns.ErrKeyExists
	} else if err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not supported on every OS
		d.Close()
	}
	return nil
}
