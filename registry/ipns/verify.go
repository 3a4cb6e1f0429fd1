package ipns

import (
	"errors"
	"fmt"
	"strings"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/crypto/pb"
)

// Record is the content of a verified IPNS record.
type Record struct {
	Name     string        // the IPNS name it was verified against (k51…)
	Value    cid.Cid       // the root the record points at (/ipfs/<Value>)
	Seq      uint64        // the record's sequence number
	Validity time.Time     // the end of life
	TTL      time.Duration // the cache hint
}

// Verify parses and checks the marshalled IPNS record raw for name: size
// limit, V2 signature by name's key, agreement of the V1 fields with the
// signed data, non-negative TTL, end of life not before now, and a value
// of the form /ipfs/<cid>. Errors wrap ErrInvalidName for a bad name,
// ErrExpiredRecord when only the end of life fails, and ErrInvalidRecord
// (with boxo's cause) otherwise.
//
// boxo checks the end of life against the wall clock only; Verify redoes
// that one check at now, so it accepts a record at any now before its end
// of life (a past now is how tests and audits replay old records). A zero
// now means time.Now().
func Verify(name string, raw []byte, now time.Time) (Record, error) {
	if now.IsZero() {
		now = time.Now()
	}
	canon, err := ParseName(name)
	if err != nil {
		return Record{}, fmt.Errorf("verify record: %w", err)
	}
	fail := func(format string, args ...any) (Record, error) {
		return Record{}, fmt.Errorf("verify record for %s: %w: "+format,
			append([]any{canon, ErrInvalidRecord}, args...)...)
	}
	if len(raw) > ipnsrec.MaxRecordSize {
		return fail("%d bytes, limit %d", len(raw), ipnsrec.MaxRecordSize)
	}
	rec, err := ipnsrec.UnmarshalRecord(raw)
	if err != nil {
		return fail("%w", err)
	}
	n, err := ipnsrec.NameFromString(canon)
	if err != nil {
		return fail("%w", err)
	}
	// ErrExpiredRecord comes from the last but one check of Validate; the
	// last one (TTL >= 0) is repeated below.
	if err := ipnsrec.ValidateWithName(rec, n); err != nil && !errors.Is(err, ipnsrec.ErrExpiredRecord) {
		return fail("%w", err)
	}
	eol, err := rec.Validity()
	if err != nil {
		return fail("%w", err)
	}
	ttl, err := rec.TTL()
	if err != nil {
		return fail("ttl: %w", err)
	}
	if ttl < 0 {
		return fail("negative ttl")
	}
	seq, err := rec.Sequence()
	if err != nil {
		return fail("sequence: %w", err)
	}
	p, err := rec.Value()
	if err != nil {
		return fail("%w", err)
	}
	if p.Namespace() != path.IPFSNamespace || len(p.Segments()) != 2 {
		return fail("value %q is not /ipfs/<cid>", p)
	}
	ip, err := path.NewImmutablePath(p)
	if err != nil {
		return fail("value %q: %w", p, err)
	}
	if now.After(eol) {
		return Record{}, fmt.Errorf("verify record for %s: %w: end of life %s is before %s",
			canon, ErrExpiredRecord, eol.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	return Record{Name: canon, Value: ip.RootCid(), Seq: seq, Validity: eol, TTL: ttl}, nil
}

// ParseName returns the canonical form (k51…) of an IPNS name given as
// k51…, /ipns/k51…, a 12D3KooW… peer ID or any other CID form of the
// name. It fails with ErrInvalidName unless the name inlines an ed25519
// public key.
func ParseName(s string) (string, error) {
	n, err := ipnsrec.NameFromString(strings.TrimPrefix(s, ipnsrec.NamespacePrefix))
	if err != nil {
		return "", fmt.Errorf("parse name %q: %w: %w", s, ErrInvalidName, err)
	}
	pk, err := n.Peer().ExtractPublicKey()
	if err != nil {
		return "", fmt.Errorf("parse name %q: %w: no inlined public key: %w", s, ErrInvalidName, err)
	}
	if pk.Type() != pb.KeyType_Ed25519 {
		return "", fmt.Errorf("parse name %q: %w: %s key", s, ErrInvalidName, pk.Type())
	}
	return n.String(), nil
}
