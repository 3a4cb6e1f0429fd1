package manifest

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// ErrInvalidLock is returned when a lockfile cannot be read: malformed
// JSON, an unknown or repeated field, a missing or invalid value, or a
// lockfileVersion this package does not read.
var ErrInvalidLock = errors.New("invalid lockfile")

// The lockfileVersions this package reads and writes: LockFormat for a
// lock without a trust root (a registry without a Root, or a lock made
// before the registry had one), LockFormatTrust for a lock that records
// the registry's trust root (Lock.Trust).
const (
	LockFormat      = 1
	LockFormatTrust = 2
)

// MaxLockSize is the largest lockfile DecodeLock reads, in bytes.
const MaxLockSize = 16 << 20

// Lock is a consuming project's svcreg.lock: the exact release each
// service of its Project resolved to, and the registry state it was
// resolved at. docs/LOCKFILE.md describes the file.
type Lock struct {
	Registry string  // the registry's IPNS name (k51…)
	Root     cid.Cid // the manifest root the lock was resolved at
	Seq      uint64  // that manifest's sequence number
	Services map[Name]LockEntry
	Trust    *LockTrust // the registry's trust root; nil in a version-1 lock
}

// LockTrust is the trust root a version-2 lock records: the registry's
// signed Root block (package manifest/trust) and that Root's version. A
// later Root of the registry must descend from it.
type LockTrust struct {
	Root    cid.Cid // the signed Root block: CIDv1, dag-cbor, sha2-256
	Version uint64  // its Root's version, from 1
}

// Equal reports whether t and o record the same Root; nil equals only
// nil.
func (t *LockTrust) Equal(o *LockTrust) bool {
	if t == nil || o == nil {
		return t == o
	}
	return t.Root.Equals(o.Root) && t.Version == o.Version
}

// Format returns l's lockfileVersion: LockFormatTrust when it records a
// trust root, else LockFormat.
func (l *Lock) Format() int {
	if l.Trust != nil {
		return LockFormatTrust
	}
	return LockFormat
}

// LockEntry is one locked service.
type LockEntry struct {
	Range   string  // the range or tag svcreg.json asked for, as Spec.Query returns it
	Version Version // the version it resolved to
	CID     cid.Cid // the release's UnixFS root
	Size    uint64  // bytes of file content
	Profile string  // the UnixFS import profile
	Hidden  bool    // whether dotfiles were imported
}

// EntryFor returns the lock entry recording version v and release rel,
// asked for as query.
func EntryFor(query string, v Version, rel Release) LockEntry {
	return LockEntry{Range: query, Version: v, CID: rel.Content, Size: rel.Size, Profile: rel.Profile, Hidden: rel.Hidden}
}

// Equal reports whether e and o record the same thing.
func (e LockEntry) Equal(o LockEntry) bool {
	return e.Range == o.Range && e.Version.String() == o.Version.String() && e.CID.Equals(o.CID) &&
		e.Size == o.Size && e.Profile == o.Profile && e.Hidden == o.Hidden
}

// Matches reports whether rel is the release e records: same content,
// size, profile and hidden flag.
func (e LockEntry) Matches(rel Release) bool {
	return e.CID.Equals(rel.Content) && e.Size == rel.Size && e.Profile == rel.Profile && e.Hidden == rel.Hidden
}

// Equal reports whether l and o are the same lock; nil equals only nil.
func (l *Lock) Equal(o *Lock) bool {
	if l == nil || o == nil {
		return l == o
	}
	if l.Registry != o.Registry || !l.Root.Equals(o.Root) || l.Seq != o.Seq || len(l.Services) != len(o.Services) || !l.Trust.Equal(o.Trust) {
		return false
	}
	for n, e := range l.Services {
		if oe, ok := o.Services[n]; !ok || !e.Equal(oe) {
			return false
		}
	}
	return true
}

// validate checks the lock's values; errors do not wrap ErrInvalidLock.
func (l *Lock) validate() error {
	if err := checkRegistryName(l.Registry); err != nil {
		return err
	}
	if err := checkRoot(l.Root); err != nil {
		return err
	}
	if l.Seq < 1 || l.Seq > math.MaxInt64 {
		return fmt.Errorf("seq %d is out of range (1 to %d)", l.Seq, int64(math.MaxInt64))
	}
	for n, e := range l.Services {
		if err := e.validate(n); err != nil {
			return fmt.Errorf("services.%s: %w", n, err)
		}
	}
	if t := l.Trust; t != nil {
		if err := CheckTrustRoot(t.Root); err != nil {
			return fmt.Errorf("trust.%w", err)
		}
		if t.Version < 1 || t.Version > math.MaxInt64 {
			return fmt.Errorf("trust.rootVersion %d is out of range (1 to %d)", t.Version, int64(math.MaxInt64))
		}
	}
	return nil
}

// checkRoot requires a manifest block CID: CIDv1, dag-cbor, sha2-256.
func checkRoot(c cid.Cid) error {
	if !c.Defined() {
		return errors.New("root is not set")
	}
	if !dagCBOR(c) {
		return fmt.Errorf("root %s is not a manifest block cid (cidv1, dag-cbor, sha2-256)", c)
	}
	return nil
}

// CheckTrustRoot requires the CID of a signed Root block (package
// manifest/trust): CIDv1, dag-cbor, sha2-256, as a lock's trust.root and
// a project's root pin are.
func CheckTrustRoot(c cid.Cid) error {
	if !c.Defined() {
		return errors.New("root is not set")
	}
	if !dagCBOR(c) {
		return fmt.Errorf("root %s is not a trust root block cid (cidv1, dag-cbor, sha2-256)", c)
	}
	return nil
}

// dagCBOR reports whether c is a CIDv1 of a dag-cbor block hashed with
// sha2-256, as svcreg writes every manifest and trust block.
func dagCBOR(c cid.Cid) bool {
	if !c.Defined() {
		return false
	}
	p := c.Prefix()
	return p.Version == 1 && p.Codec == cid.DagCBOR && p.MhType == multihash.SHA2_256
}

func (e LockEntry) validate(n Name) error {
	if _, err := ParseName(string(n)); err != nil {
		return err
	}
	sp, err := ParseSpec(string(n) + "@" + e.Range)
	if err != nil {
		return fmt.Errorf("range: %w", err)
	}
	if sp.Query() != e.Range {
		return fmt.Errorf("range %q has surrounding spaces", e.Range)
	}
	switch {
	case len(e.Version.Build) > 0:
		return fmt.Errorf("version %s has build metadata; published versions never do", e.Version)
	case !e.CID.Defined():
		return errors.New("cid is not set")
	case e.Size > math.MaxInt64:
		return fmt.Errorf("size %d is out of range", e.Size)
	}
	if _, err := ParseName(e.Profile); err != nil {
		return fmt.Errorf("profile %q is not a profile name", e.Profile)
	}
	return nil
}

// checkRegistryName accepts what an IPNS name can look like (k51…, a peer
// ID, /ipns/k51…): 1 to 256 ASCII letters, digits and slashes. The command
// line checks the key inside it. Its errors are *RegistryError.
func checkRegistryName(s string) error {
	if s == "" {
		return &RegistryError{errors.New("registry is empty")}
	}
	if len(s) > 256 {
		return &RegistryError{fmt.Errorf("registry is %d bytes, longer than an IPNS name", len(s))}
	}
	if i := strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/')
	}); i >= 0 {
		return &RegistryError{fmt.Errorf("registry %q is not an IPNS name (character %q at %d)", s, s[i], i)}
	}
	return nil
}
