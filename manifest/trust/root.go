package trust

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// MaxSize is the largest Root, signed Root or Moved block, in bytes,
// refused before decoding.
const MaxSize = 64 << 10

// MaxChainSteps is the most Root versions VerifyChain walks from a
// trusted Root.
const MaxChainSteps = 256

// The roles a Root names.
const (
	RoleRoot    = "root"    // signs Root versions
	RolePublish = "publish" // signs manifests
)

// Signature is one ed25519 signature and the id of its key.
type Signature = manifest.Signature

// Root is one version of a registry's trust root: which keys may sign
// what, and how many of them must.
type Root struct {
	Registry          string                       // the registry's IPNS name (k51…)
	Version           uint64                       // 1, then +1 for each rotation
	Prev              cid.Cid                      // the signed Root of Version-1; undefined for version 1
	Expires           time.Time                    // expired from this second on
	MaxRecordLifetime time.Duration                // the longest IPNS record validity accepted (whole seconds)
	Keys              map[string]ed25519.PublicKey // key id (KeyID) → public key
	Roles             map[string]Role              // RoleRoot and RolePublish
}

// Role lists the keys of one role and how many of them must sign.
type Role struct {
	KeyIDs    []string // in ascending order, each once
	Threshold int      // 1 to len(KeyIDs)
}

// SignedRoot is a Root and the signatures over it: the block manifests
// and later Roots link.
type SignedRoot struct {
	Root       Root
	Signatures []Signature // by the root role; may be empty while being signed
}

// KeyID returns the id of an ed25519 public key: the lower-case hex
// SHA-256 of its 32 bytes.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return hex.EncodeToString(h[:])
}

// validate checks the rules docs/FORMAT.md gives for a Root.
func (r *Root) validate() error {
	switch {
	case r.Registry == "":
		return fmt.Errorf("%w: root: empty registry name", ErrInvalid)
	case r.Version < 1 || r.Version > math.MaxInt64:
		return fmt.Errorf("%w: root: version %d out of range", ErrInvalid, r.Version)
	case (r.Version == 1) == r.Prev.Defined():
		return fmt.Errorf("%w: root: version %d with prev %v (only version 1 has no prev)", ErrInvalid, r.Version, r.Prev)
	case r.MaxRecordLifetime < time.Second || r.MaxRecordLifetime%time.Second != 0:
		return fmt.Errorf("%w: root: max record lifetime %v is not a positive number of seconds", ErrInvalid, r.MaxRecordLifetime)
	case r.Expires.Unix() < 0 || r.Expires.Nanosecond() != 0:
		return fmt.Errorf("%w: root: expiry %v is not a unix second", ErrInvalid, r.Expires)
	}
	for id, pub := range r.Keys {
		if len(pub) != ed25519.PublicKeySize || KeyID(pub) != id {
			return fmt.Errorf("%w: root: key %q is not a %d-byte ed25519 key with that id", ErrInvalid, id, ed25519.PublicKeySize)
		}
	}
	if len(r.Roles) != 2 {
		return fmt.Errorf("%w: root: %d roles, want %q and %q", ErrInvalid, len(r.Roles), RoleRoot, RolePublish)
	}
	for _, name := range []string{RoleRoot, RolePublish} {
		role, ok := r.Roles[name]
		if !ok {
			return fmt.Errorf("%w: root: no %s role", ErrInvalid, name)
		}
		if err := role.validate(r.Keys); err != nil {
			return fmt.Errorf("%w: root: role %s: %w", ErrInvalid, name, err)
		}
	}
	return nil
}

func (role Role) validate(keys map[string]ed25519.PublicKey) error {
	if role.Threshold < 1 || role.Threshold > len(role.KeyIDs) {
		return fmt.Errorf("threshold %d of %d keys", role.Threshold, len(role.KeyIDs))
	}
	for i, id := range role.KeyIDs {
		if _, ok := keys[id]; !ok {
			return fmt.Errorf("key %q not among the root's keys", id)
		}
		if i > 0 && id <= role.KeyIDs[i-1] {
			return fmt.Errorf("key ids not in ascending order, or repeated")
		}
	}
	return nil
}

// Equal reports whether r and o are the same Root.
func (r *Root) Equal(o *Root) bool {
	if r.Registry != o.Registry || r.Version != o.Version || !r.Prev.Equals(o.Prev) ||
		r.Expires.Unix() != o.Expires.Unix() || r.MaxRecordLifetime != o.MaxRecordLifetime ||
		len(r.Keys) != len(o.Keys) || len(r.Roles) != len(o.Roles) {
		return false
	}
	for id, k := range r.Keys {
		if !bytes.Equal(k, o.Keys[id]) {
			return false
		}
	}
	for name, role := range r.Roles {
		if or, ok := o.Roles[name]; !ok || or.Threshold != role.Threshold || !slices.Equal(or.KeyIDs, role.KeyIDs) {
			return false
		}
	}
	return true
}
