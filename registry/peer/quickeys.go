package peer

import (
	"crypto/sha256"
	"io"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/quic-go/quic-go"
	"golang.org/x/crypto/hkdf"
)

// The QUIC stateless reset and token keys are derived from the host's
// key as go-libp2p derives them (its config package), so that a
// restarted node resets the connections of its previous run.
const (
	statelessResetKeyInfo = "libp2p quic stateless reset key"
	tokenGeneratorKeyInfo = "libp2p quic token generator key"
)

func statelessResetKey(key crypto.PrivKey) (quic.StatelessResetKey, error) {
	var k quic.StatelessResetKey
	err := deriveKey(key, statelessResetKeyInfo, k[:])
	return k, err
}

func tokenGeneratorKey(key crypto.PrivKey) (quic.TokenGeneratorKey, error) {
	var k quic.TokenGeneratorKey
	err := deriveKey(key, tokenGeneratorKeyInfo, k[:])
	return k, err
}

// deriveKey fills out with HKDF-SHA256 of key's raw bytes and info.
func deriveKey(key crypto.PrivKey, info string, out []byte) error {
	raw, err := key.Raw()
	if err != nil {
		return err
	}
	_, err = io.ReadFull(hkdf.New(sha256.New, raw, nil, []byte(info)), out)
	return err
}
