// Package ipnsname derives a registry's IPNS name (k51…) from its ed25519
// key file without linking libp2p, for svcreg's fast resolve path, where
// every package linked costs start-up time. registry/ipns is the full
// implementation; a test checks that both give the same names.
package ipnsname

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multibase"
	"github.com/multiformats/go-multihash"
)

// ErrUnsupported is returned for key files this package does not read:
// anything but a libp2p protobuf ed25519 private key.
var ErrUnsupported = errors.New("not a libp2p ed25519 private key")

// libp2pKeyCodec is the multicodec of IPNS names (libp2p-key).
const libp2pKeyCodec = 0x72

// FromKeyFile returns the IPNS name of a libp2p protobuf ed25519 private
// key: the message {1: KeyType=1 (Ed25519), 2: 64 bytes seed‖public}.
func FromKeyFile(b []byte) (string, error) {
	data, err := ed25519Data(b)
	if err != nil {
		return "", err
	}
	pub := ed25519.NewKeyFromSeed(data[:ed25519.SeedSize]).Public().(ed25519.PublicKey)
	// The public key protobuf {1: 1, 2: pub} is short enough to inline in
	// an identity multihash: that is the peer ID.
	pb := append([]byte{0x08, 0x01, 0x12, byte(len(pub))}, pub...)
	mh, err := multihash.Sum(pb, multihash.IDENTITY, -1)
	if err != nil {
		return "", err
	}
	return cid.NewCidV1(libp2pKeyCodec, mh).StringOfBase(multibase.Base36)
}

// ed25519Data parses the two protobuf fields and returns the key data.
func ed25519Data(b []byte) ([]byte, error) {
	const dataLen = ed25519.PrivateKeySize
	// field 1, varint 1 (Ed25519); field 2, length-delimited, 64 bytes
	want := []byte{0x08, 0x01, 0x12, dataLen}
	if len(b) != len(want)+dataLen || string(b[:len(want)]) != string(want) {
		return nil, fmt.Errorf("%w (%d bytes)", ErrUnsupported, len(b))
	}
	data := b[len(want):]
	seedPub := ed25519.NewKeyFromSeed(data[:ed25519.SeedSize])
	if string(seedPub) != string(data) {
		return nil, fmt.Errorf("%w: public key does not match seed", ErrUnsupported)
	}
	return data, nil
}
