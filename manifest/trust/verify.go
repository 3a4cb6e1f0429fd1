package trust

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// checkThreshold verifies that at least the threshold of r's role signed
// message. A key counts once however often it signs, and only when the
// role lists it; signatures by other keys, and invalid ones, count for
// nothing. It refuses more than manifest.MaxSignatures signatures before
// verifying any.
func checkThreshold(r *Root, roleName, domain string, unsigned []byte, sigs []Signature) error {
	if len(sigs) > manifest.MaxSignatures {
		return fmt.Errorf("%w: %d > %d", ErrTooManySignatures, len(sigs), manifest.MaxSignatures)
	}
	role := r.Roles[roleName]
	listed := make(map[string]bool, len(role.KeyIDs))
	for _, id := range role.KeyIDs {
		listed[id] = true
	}
	msg := message(domain, unsigned)
	counted := make(map[string]bool, role.Threshold)
	for _, s := range sigs {
		if len(counted) >= role.Threshold {
			break
		}
		pub, ok := r.Keys[s.KeyID]
		if !listed[s.KeyID] || counted[s.KeyID] || !ok || len(pub) != ed25519.PublicKeySize {
			continue
		}
		if ed25519.Verify(pub, msg, s.Sig) {
			counted[s.KeyID] = true
		}
	}
	if len(counted) < role.Threshold {
		return fmt.Errorf("%w: %s role of root v%d: %d of %d keys signed", ErrThreshold, roleName, r.Version, len(counted), role.Threshold)
	}
	return nil
}

// VerifyRoot checks that sr is signed by the threshold of its own root
// role: what a first Root, trusted on first use or pinned by its CID,
// must at least show.
func VerifyRoot(sr *SignedRoot) error {
	b, err := EncodeRoot(&sr.Root)
	if err != nil {
		return err
	}
	return checkThreshold(&sr.Root, RoleRoot, DomainRoot, b.Data, sr.Signatures)
}

// VerifyRootStep checks that next may follow trusted: it names the same
// registry (ErrWrongRegistry), its version is trusted's plus one
// (ErrRootVersion), and the threshold of trusted's root keys and the
// threshold of next's own root keys signed it (ErrThreshold). Expiry is
// VerifyChain's to check, on the last Root only.
func VerifyRootStep(trusted *Root, next *SignedRoot) error {
	if len(next.Signatures) > manifest.MaxSignatures {
		return fmt.Errorf("%w: root v%d: %d > %d", ErrTooManySignatures, next.Root.Version, len(next.Signatures), manifest.MaxSignatures)
	}
	if err := trusted.validate(); err != nil {
		return fmt.Errorf("trusted root: %w", err)
	}
	if next.Root.Registry != trusted.Registry {
		return fmt.Errorf("%w: root v%d names %s, the trusted root %s", ErrWrongRegistry, next.Root.Version, next.Root.Registry, trusted.Registry)
	}
	if next.Root.Version != trusted.Version+1 {
		return fmt.Errorf("%w: root v%d after trusted v%d", ErrRootVersion, next.Root.Version, trusted.Version)
	}
	return VerifyRootSignatures(trusted, next)
}

// VerifyChain checks chain, the Roots after trusted in ascending version
// order, step by step (VerifyRootStep), and returns the last Root, which
// must not be expired at now (ErrRootExpired); with an empty chain, that
// is trusted. A chain of more than MaxChainSteps Roots is refused before
// any is verified (ErrChainTooLong).
func VerifyChain(trusted *Root, chain []*SignedRoot, now time.Time) (*Root, error) {
	if len(chain) > MaxChainSteps {
		return nil, fmt.Errorf("%w: %d steps > %d", ErrChainTooLong, len(chain), MaxChainSteps)
	}
	cur := trusted
	for _, next := range chain {
		if err := VerifyRootStep(cur, next); err != nil {
			return nil, err
		}
		cur = &next.Root
	}
	if !now.Before(cur.Expires) {
		return nil, fmt.Errorf("%w: root v%d expired at %s", ErrRootExpired, cur.Version, cur.Expires.UTC().Format(time.RFC3339))
	}
	return cur, nil
}

// VerifyManifestSignatures checks that the threshold of root's publish
// keys signed unsigned, a manifest block encoded without its signatures.
func VerifyManifestSignatures(root *Root, unsigned []byte, sigs []Signature) error {
	if len(sigs) > manifest.MaxSignatures {
		return fmt.Errorf("%w: %d > %d", ErrTooManySignatures, len(sigs), manifest.MaxSignatures)
	}
	if err := root.validate(); err != nil {
		return err
	}
	return checkThreshold(root, RolePublish, DomainManifest, unsigned, sigs)
}

// VerifyManifest checks a decoded manifest against root, the Root of the
// signed Root block rootCID: the manifest names root's registry
// (ErrWrongRegistry), links rootCID (ErrWrongRoot) and carries the
// publish threshold of signatures (ErrThreshold).
func VerifyManifest(root *Root, rootCID cid.Cid, m *manifest.Manifest) error {
	if m.Registry != root.Registry {
		return fmt.Errorf("%w: manifest names %s, the root %s", ErrWrongRegistry, m.Registry, root.Registry)
	}
	if !m.Root.Equals(rootCID) {
		return fmt.Errorf("%w: manifest links root %v, want %s", ErrWrongRoot, m.Root, rootCID)
	}
	if len(m.Signatures) > manifest.MaxSignatures {
		return fmt.Errorf("%w: %d > %d", ErrTooManySignatures, len(m.Signatures), manifest.MaxSignatures)
	}
	b, err := manifest.EncodeManifest(m.Unsigned())
	if err != nil {
		return err
	}
	return VerifyManifestSignatures(root, b.Data, m.Signatures)
}

// VerifyMovedSignatures checks a Moved block against root, the Root of
// the signed Root block rootCID that it links: root names the registry
// mv moves to (ErrWrongRegistry), mv links rootCID (ErrWrongRoot), and the
// threshold of root's root keys signed it (ErrThreshold). Whether root
// descends from a pinned Root is the caller's to check, with VerifyChain
// up to the Root before the move.
func VerifyMovedSignatures(root *Root, rootCID cid.Cid, mv *Moved) error {
	if root.Registry != mv.To {
		return fmt.Errorf("%w: moved to %s, its root names %s", ErrWrongRegistry, mv.To, root.Registry)
	}
	if !mv.Root.Equals(rootCID) {
		return fmt.Errorf("%w: moved links root %s, want %s", ErrWrongRoot, mv.Root, rootCID)
	}
	if len(mv.Signatures) > manifest.MaxSignatures {
		return fmt.Errorf("%w: %d > %d", ErrTooManySignatures, len(mv.Signatures), manifest.MaxSignatures)
	}
	if err := root.validate(); err != nil {
		return err
	}
	b, err := EncodeMoved(mv.Unsigned())
	if err != nil {
		return err
	}
	return checkThreshold(root, RoleRoot, DomainMoved, b.Data, mv.Signatures)
}
