package ipns

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/crypto/pb"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
	"google.golang.org/protobuf/proto"
)

// Key is a registry's ed25519 signing key.
type Key struct {
	sk   crypto.PrivKey
	reg  ipnsrec.Name
	name string // reg's k51… form
}

func newKey(sk crypto.PrivKey) (*Key, error) {
	pid, err := peer.IDFromPrivateKey(sk)
	if err != nil {
		return nil, fmt.Errorf("derive peer id: %w", err)
	}
	reg := ipnsrec.NameFromPeer(pid)
	return &Key{sk: sk, reg: reg, name: reg.String()}, nil
}

// GenerateKey returns a new ed25519 key read from r (crypto/rand when r
// is nil). ed25519 reads a 32-byte seed, so a fixed r gives a fixed key.
func GenerateKey(r io.Reader) (*Key, error) {
	if r == nil {
		r = rand.Reader
	}
	sk, _, err := crypto.GenerateEd25519Key(r)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return newKey(sk)
}

// ParseKey parses a libp2p protobuf cleartext private key. It fails with
// ErrUnsupportedKey for anything but ed25519 and with ErrInvalidKey when
// the bytes are malformed or the public half does not match the seed.
func ParseKey(b []byte) (*Key, error) {
	var m pb.PrivateKey
	if err := proto.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse key: %w: %w", ErrInvalidKey, err)
	}
	if t := m.GetType(); t != pb.KeyType_Ed25519 {
		return nil, fmt.Errorf("parse key: %w: got %s", ErrUnsupportedKey, t)
	}
	sk, err := crypto.UnmarshalEd25519PrivateKey(m.GetData())
	if err != nil {
		return nil, fmt.Errorf("parse key: %w: %w", ErrInvalidKey, err)
	}
	// libp2p trusts the public half stored after the seed; a key whose
	// halves disagree would sign records no name verifies.
	raw, err := sk.Raw()
	if err != nil {
		return nil, fmt.Errorf("parse key: %w: %w", ErrInvalidKey, err)
	}
	want := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
	if !bytes.Equal(want, raw) {
		return nil, fmt.Errorf("parse key: %w: public key does not match seed", ErrInvalidKey)
	}
	return newKey(sk)
}

// Marshal returns the libp2p protobuf cleartext encoding of the key, the
// format `ipfs key import` accepts.
func (k *Key) Marshal() ([]byte, error) {
	b, err := crypto.MarshalPrivateKey(k.sk)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return b, nil
}

// Name returns the registry's IPNS name (k51…).
func (k *Key) Name() string { return k.name }

// RegistryName returns the registry's IPNS name as boxo's typed name, the
// form the library passes on (see ParseRegistryName).
func (k *Key) RegistryName() ipnsrec.Name { return k.reg }

// PrivKey returns the libp2p private key, for boxo APIs that publish.
func (k *Key) PrivKey() crypto.PrivKey { return k.sk }

// LoadKey reads a key file written by Save or by `ipfs key export`. It
// refuses (ErrKeyPermissions) a file that its group or others may access.
func LoadKey(path string) (*Key, error) {
	b, err := ipnsname.ReadKeyFile(path)
	if errors.Is(err, ipnsname.ErrKeyFile) {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	} else if err != nil {
		return nil, err
	}
	k, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	return k, nil
}

// Save writes the key to a new file at path with mode 0600. The file
// appears atomically and complete (temporary file, fsync, link or
// rename); Save fails with ErrKeyExists rather than replace a file.
func (k *Key) Save(path string) error {
	b, err := k.Marshal()
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("save key %s: %w", path, ErrKeyExists)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".key-*.tmp") // mode 0600
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		err = pe.Err // path, not the temporary file's name
	}
	if err != nil {
		return fmt.Errorf("save key %s: %w", path, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a link, or after a failure
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save key %s: %w", path, err)
	}
	if err := placeNoReplace(tmpName, path); err != nil {
		return fmt.Errorf("save key %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// placeNoReplace moves the file tmp to path unless path exists. A hard
// link fails atomically if path exists; where links are unsupported it
// falls back to a check and a rename.
func placeNoReplace(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return ErrKeyExists
	}
	if _, serr := os.Lstat(path); serr == nil {
		return ErrKeyExists
	}
	return os.Rename(tmp, path)
}

// syncDir makes a new directory entry durable where the OS supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: not supported on every OS
		d.Close()
	}
}

// PeerID returns the key's libp2p peer ID (12D3KooW…), the other common
// spelling of Name.
func (k *Key) PeerID() string {
	pid, err := peer.IDFromPrivateKey(k.sk)
	if err != nil {
		return "" // unreachable: newKey derived the name the same way
	}
	return pid.String()
}
