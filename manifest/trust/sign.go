package trust

import (
	"crypto/ed25519"
	"fmt"

	"github.com/svcreg/svcreg/manifest"
)

// The domain prefixes: each signature covers one of them followed by the
// block it signs, encoded without its signatures, so a signature made for
// one type of block never verifies as another's.
const (
	DomainRoot     = "svcreg/root/v1\n"     // + the Root block
	DomainManifest = "svcreg/manifest/v1\n" // + the manifest without its signatures
	DomainMoved    = "svcreg/moved/v1\n"    // + the Moved block without its signatures
)

// message is what a signature covers: the domain, then the block.
func message(domain string, unsigned []byte) []byte {
	return append([]byte(domain), unsigned...)
}

func sign(key ed25519.PrivateKey, domain string, unsigned []byte) Signature {
	pub := key.Public().(ed25519.PublicKey)
	return Signature{KeyID: KeyID(pub), Sig: ed25519.Sign(key, message(domain, unsigned))}
}

// SignRoot signs r with key: a signature for a SignedRoot's list.
func SignRoot(key ed25519.PrivateKey, r *Root) (Signature, error) {
	b, err := EncodeRoot(r)
	if err != nil {
		return Signature{}, err
	}
	return sign(key, DomainRoot, b.Data), nil
}

// SignManifest signs m, encoded without its signatures, with key: a
// publish signature for m's list.
func SignManifest(key ed25519.PrivateKey, m *manifest.Manifest) (Signature, error) {
	b, err := manifest.EncodeManifest(m.Unsigned())
	if err != nil {
		return Signature{}, fmt.Errorf("sign manifest: %w", err)
	}
	return sign(key, DomainManifest, b.Data), nil
}

// SignMoved signs mv, encoded without its signatures, with key.
func SignMoved(key ed25519.PrivateKey, mv *Moved) (Signature, error) {
	b, err := EncodeMoved(mv.Unsigned())
	if err != nil {
		return Signature{}, err
	}
	return sign(key, DomainMoved, b.Data), nil
}
