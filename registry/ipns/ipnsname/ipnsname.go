// Package ipnsname reads a registry's key file and derives its IPNS name
// (k51…) with the standard library and filippo.io/edwards25519 alone.
// svcreg's warm resolve runs before the rest of the program is
// initialised (registry/home/warm) and may link nothing heavier, nor
// anything Go initialises late; registry/ipns, the full implementation,
// reads key files through ReadKeyFile too, so one rule holds for every
// command, and a test checks that both derive the same names. CheckHome
// is the one rule for the home around the key: no part of it may be
// writable by the group or others.
package ipnsname

import (
	"crypto/sha512"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"

	"filippo.io/edwards25519"
	"github.com/multiformats/go-base36"
)

// ErrUnsupported is returned for key files this package does not read:
// anything but a libp2p protobuf ed25519 private key.
var ErrUnsupported = errors.New("not a libp2p ed25519 private key")

// ErrKeyPermissions is returned when a key file can be read or written by
// its group or others.
var ErrKeyPermissions = errors.New("key file is accessible by group or others")

// ErrKeyFile is returned when a key file is not a regular file or is
// larger than MaxKeyFileSize.
var ErrKeyFile = errors.New("invalid key file")

// MaxKeyFileSize bounds how much ReadKeyFile reads; an ed25519 key file is
// 68 bytes.
const MaxKeyFileSize = 64 << 10

// ReadKeyFile returns the bytes of the key file at path. It refuses a file
// that is not regular, that its group or others may access
// (ErrKeyPermissions), or that is larger than MaxKeyFileSize.
func ReadKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("load key %s: %w: not a regular file", path, ErrKeyFile)
	}
	// Windows has no Unix permission bits to check.
	if perm := fi.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("load key %s: %w (mode %04o); run: chmod 600 %s", path, ErrKeyPermissions, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	if len(b) > MaxKeyFileSize {
		return nil, fmt.Errorf("load key %s: %w: larger than %d bytes", path, ErrKeyFile, MaxKeyFileSize)
	}
	return b, nil
}

// Multicodec and multihash codes of an IPNS name: a CIDv1 with the
// libp2p-key codec over an identity multihash of the public key protobuf.
const (
	cidV1          = 0x01
	libp2pKeyCodec = 0x72
	identityHash   = 0x00
)

// FromKeyFile returns the IPNS name of a libp2p protobuf ed25519 private
// key: the message {1: KeyType=1 (Ed25519), 2: 64 bytes seed‖public}.
func FromKeyFile(b []byte) (string, error) {
	data, err := ed25519Data(b)
	if err != nil {
		return "", err
	}
	pub := data[seedSize:]
	// The public key protobuf {1: 1, 2: pub} is short enough (36 bytes) to
	// inline in an identity multihash, whose one-byte varint length it fits.
	pb := append([]byte{0x08, 0x01, 0x12, byte(len(pub))}, pub...)
	c := append([]byte{cidV1, libp2pKeyCodec, identityHash, byte(len(pb))}, pb...)
	return "k" + base36.EncodeToStringLc(c), nil
}

// ed25519Data parses the two protobuf fields and returns the key data.
func ed25519Data(b []byte) ([]byte, error) {
	const dataLen = seedSize + publicKeySize
	// field 1, varint 1 (Ed25519); field 2, length-delimited, 64 bytes
	want := []byte{0x08, 0x01, 0x12, dataLen}
	if len(b) != len(want)+dataLen || string(b[:len(want)]) != string(want) {
		return nil, fmt.Errorf("%w (%d bytes)", ErrUnsupported, len(b))
	}
	data := b[len(want):]
	if string(publicKey(data[:seedSize])) != string(data[seedSize:]) {
		return nil, fmt.Errorf("%w: public key does not match seed", ErrUnsupported)
	}
	return data, nil
}

// Sizes of an ed25519 seed and public key (RFC 8032).
const (
	seedSize      = 32
	publicKeySize = 32
)

// publicKey returns the ed25519 public key of seed as RFC 8032 §5.1.5
// derives it (what crypto/ed25519.NewKeyFromSeed does): the clamped first
// half of SHA-512(seed) times the base point. It uses filippo.io/edwards25519
// rather than crypto/ed25519, whose imports (crypto/rand, math/big, weak)
// Go initialises only after most of what svcreg links, which would make
// the warm resolve wait for them (docs/ARCHITECTURE.md). A test checks it
// against crypto/ed25519.
func publicKey(seed []byte) []byte {
	h := sha512.Sum512(seed)
	s, err := edwards25519.NewScalar().SetBytesWithClamping(h[:32])
	if err != nil {
		panic(err) // unreachable: the input is 32 bytes
	}
	// ScalarMult rather than ScalarBaseMult: the latter builds a table of
	// multiples of the base point on its first call, which costs more than
	// the one multiplication a process needs (~1 ms against 0.1 ms).
	return new(edwards25519.Point).ScalarMult(s, edwards25519.NewGeneratorPoint()).Bytes()
}
