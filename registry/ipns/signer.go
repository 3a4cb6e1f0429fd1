package ipns

import (
	"errors"
	"fmt"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	"github.com/svcreg/svcreg/registry"
)

// Signer signs IPNS records with one key. Zero Lifetime and TTL mean
// DefaultLifetime and DefaultTTL; a nil Now means time.Now.
type Signer struct {
	Key      *Key
	Lifetime time.Duration
	TTL      time.Duration
	Now      func() time.Time
}

var _ registry.Signer = (*Signer)(nil)

// NewSigner returns a Signer for k with the default lifetime and TTL.
func NewSigner(k *Key) *Signer { return &Signer{Key: k} }

// Name returns the registry's IPNS name (k51…).
func (s *Signer) Name() string { return s.Key.Name() }

// Sign returns a marshalled IPNS record with value /ipfs/<root>, sequence
// seq, EOL Now()+Lifetime and the TTL, carrying V2 and V1 signatures.
// ed25519 signing is deterministic, so equal inputs give equal bytes.
func (s *Signer) Sign(root cid.Cid, seq uint64) ([]byte, error) {
	if s.Key == nil {
		return nil, errors.New("sign record: no key")
	}
	if !root.Defined() {
		return nil, errors.New("sign record: undefined root")
	}
	lifetime, ttl, now := s.Lifetime, s.TTL, time.Now
	if lifetime == 0 {
		lifetime = DefaultLifetime
	}
	if ttl == 0 {
		ttl = DefaultTTL
	}
	if s.Now != nil {
		now = s.Now
	}
	eol := now().Add(lifetime)
	rec, err := ipnsrec.NewRecord(s.Key.sk, path.FromCid(root), seq, eol, ttl, ipnsrec.WithV1Compatibility(true))
	if err != nil {
		return nil, fmt.Errorf("sign record %s seq %d: %w", s.Key.Name(), seq, err)
	}
	b, err := ipnsrec.MarshalRecord(rec)
	if err != nil {
		return nil, fmt.Errorf("marshal record %s seq %d: %w", s.Key.Name(), seq, err)
	}
	return b, nil
}
