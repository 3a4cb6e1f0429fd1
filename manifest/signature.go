package manifest

import (
	"crypto/ed25519"
	"fmt"
)

// MaxSignatures is the most signatures a block may carry: a manifest's
// publish signatures, a signed Root's or a Moved block's.
const MaxSignatures = 32

// KeyIDLen is the length of a key id: the lower-case hex SHA-256 of an
// ed25519 public key (package trust computes it).
const KeyIDLen = 64

// Signature is one ed25519 signature and the id of the key that made it.
// What it covers depends on the block that carries it (docs/FORMAT.md,
// "Trust"); package trust makes and checks signatures.
type Signature struct {
	KeyID string // lower-case hex SHA-256 of the public key
	Sig   []byte // ed25519.SignatureSize bytes
}

type wireSignature struct {
	KeyID string
	Sig   []byte
}

// CheckSignatures checks the form of a list of signatures: at most
// MaxSignatures (ErrTooManySignatures), each with a well-formed key id and
// a signature of the right length (ErrInvalidManifest). It verifies none.
func CheckSignatures(sigs []Signature) error {
	if len(sigs) > MaxSignatures {
		return fmt.Errorf("%w: %d > %d", ErrTooManySignatures, len(sigs), MaxSignatures)
	}
	for i, s := range sigs {
		if !ValidKeyID(s.KeyID) {
			return fmt.Errorf("%w: signature %d: malformed key id %q", ErrInvalidManifest, i, s.KeyID)
		}
		if len(s.Sig) != ed25519.SignatureSize {
			return fmt.Errorf("%w: signature %d: %d bytes, want %d", ErrInvalidManifest, i, len(s.Sig), ed25519.SignatureSize)
		}
	}
	return nil
}

// ValidKeyID reports whether id has the form of a key id: KeyIDLen
// lower-case hex digits.
func ValidKeyID(id string) bool {
	if len(id) != KeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// wireSignatures converts sigs to the wire form, nil for none.
func wireSignatures(sigs []Signature) *[]wireSignature {
	if len(sigs) == 0 {
		return nil
	}
	w := make([]wireSignature, len(sigs))
	for i, s := range sigs {
		w[i] = wireSignature(s)
	}
	return &w
}

func signaturesOf(w *[]wireSignature) []Signature {
	if w == nil {
		return nil
	}
	out := make([]Signature, len(*w))
	for i, s := range *w {
		out[i] = Signature(s)
	}
	return out
}
