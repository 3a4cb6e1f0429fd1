package ipns

import (
	"errors"
	"fmt"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/registry"
)

// ParseRegistryName parses s as ParseName does and returns boxo's typed
// name. Parse a registry name once, where it enters the program, and pass
// the ipnsrec.Name on; its String is the canonical k51… form.
func ParseRegistryName(s string) (ipnsrec.Name, error) {
	canon, err := ParseName(s)
	if err != nil {
		return ipnsrec.Name{}, err
	}
	return ipnsrec.NameFromString(canon)
}

// VerifyHead checks that h.Record is a record of h.Name, signed by its
// key, that points at h.Root with sequence h.Seq: the one answer to "does
// this record match this head". The expiry rule is Verify's: a record is
// live until and including its end of life.
//
// A record that matches but is past its end of life is returned together
// with an error wrapping ErrExpiredRecord: it still proves which root the
// key signed, so callers that only need authenticity (serving a copy,
// checking a lockfile) may use it, and callers that need a live record
// treat the error as fatal. Any other failure wraps ErrInvalidRecord or
// ErrInvalidName, and the Record is zero.
func VerifyHead(h registry.Head, now time.Time) (Record, error) {
	rec, err := Verify(h.Name, h.Record, now)
	var expired error
	if errors.Is(err, ErrExpiredRecord) {
		expired = err
		var r *ipnsrec.Record
		if r, err = ipnsrec.UnmarshalRecord(h.Record); err == nil {
			var eol time.Time
			if eol, err = r.Validity(); err == nil {
				rec, err = Verify(h.Name, h.Record, eol)
			}
		}
	}
	if err != nil {
		return Record{}, fmt.Errorf("head of %s: %w", h.Name, err)
	}
	if !rec.Value.Equals(h.Root) || rec.Seq != h.Seq {
		return Record{}, fmt.Errorf("head of %s: %w: the record points at %s seq %d, the head at %s seq %d",
			h.Name, ErrInvalidRecord, rec.Value, rec.Seq, h.Root, h.Seq)
	}
	if expired != nil {
		return rec, fmt.Errorf("head of %s: %w", h.Name, expired)
	}
	return rec, nil
}

// Fresher reports whether record a should replace record b of the same
// registry: a higher sequence, or the same sequence and root with a later
// end of life (a re-signed record). Both must have been verified.
func Fresher(a, b Record) bool {
	if a.Seq != b.Seq {
		return a.Seq > b.Seq
	}
	return a.Value.Equals(b.Value) && a.Validity.After(b.Validity)
}
