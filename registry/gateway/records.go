package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/namesys"
	"github.com/ipfs/boxo/path"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/registry"
)

// records keeps signed IPNS records of names this home does not follow,
// one file per name (named by its k51… form) in a directory of their
// own: they are served, never adopted as heads, and the index is not
// involved. Every record is validated on the way in and again on the way
// out (signature by the name's key, end of life). Room is kept as
// records_space.go says: expired records go first, then the one closest
// to its end of life.
type records struct {
	dir string
	max int // records kept at most
	now func() time.Time
	mu  sync.Mutex // orders compare-and-write of one process; guards eols
	// eols is the end of life of each stored record by name, read from
	// dir on first use; nil until then.
	eols map[string]time.Time
}

// put stores raw for name if it validates and is better than the stored
// record (higher sequence, then later end of life: boxo's rule). It wraps
// errUnusableRecord, errOlderRecord or errTooManyRecords.
func (rs *records) put(name ipnsrec.Name, raw []byte) error {
	eol, err := validateRecord(name, raw, rs.now())
	if err != nil {
		return err
	}
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if err := rs.load(); err != nil {
		return err
	}
	p := filepath.Join(rs.dir, name.String())
	old, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := rs.room(eol); err != nil {
			return err
		}
	case err != nil:
		return fmt.Errorf("read stored record of %s: %w", name, err)
	case bytes.Equal(old, raw):
		return nil
	default:
		if best, err := (ipnsrec.Validator{}).Select(string(name.RoutingKey()), [][]byte{raw, old}); err == nil && best != 0 {
			return fmt.Errorf("%w: the stored record of %s is newer", errOlderRecord, name)
		}
	}
	if err := os.MkdirAll(rs.dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(p, raw, 0o600, true); err != nil {
		return err
	}
	rs.eols[name.String()] = eol
	return nil
}

// get returns the stored record of name if it still validates, or wraps
// errNoRecord when there is none.
func (rs *records) get(name ipnsrec.Name) ([]byte, *ipnsrec.Record, error) {
	raw, err := os.ReadFile(filepath.Join(rs.dir, name.String()))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("%w: %s", errNoRecord, name)
	} else if err != nil {
		return nil, nil, err
	}
	if _, err := validateRecord(name, raw, rs.now()); err != nil {
		return nil, nil, fmt.Errorf("stored record of %s: %w", name, err)
	}
	rec, err := ipnsrec.UnmarshalRecord(raw)
	return raw, rec, err
}

// validateRecord checks raw as the record of name: size, signature, end
// of life (also against now, the server's clock). It returns the end of
// life.
func validateRecord(name ipnsrec.Name, raw []byte, now time.Time) (time.Time, error) {
	if err := (ipnsrec.Validator{}).Validate(string(name.RoutingKey()), raw); err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", errUnusableRecord, err)
	}
	rec, err := ipnsrec.UnmarshalRecord(raw)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", errUnusableRecord, err)
	}
	eol, err := rec.Validity()
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %w", errUnusableRecord, err)
	}
	if now.After(eol) {
		return time.Time{}, fmt.Errorf("%w: %w", errUnusableRecord, ipnsrec.ErrExpiredRecord)
	}
	return eol, nil
}

// useRecords reports whether a lookup that failed with err should try
// the records of names not followed: the index has no head for the name,
// or the name is not one a registry could have (not ed25519).
func (s *Server) useRecords(err error) bool {
	return s.records != nil && (errors.Is(err, registry.ErrNoHead) || errors.Is(err, errUnsupportedName))
}

// acceptOther stores raw as a record of a name this home does not
// follow, when that is what name is. It reports false when name is
// followed (or that cannot be told without waiting), for acceptRecord.
func (s *Server) acceptOther(ctx context.Context, name ipnsrec.Name, raw []byte) (bool, error) {
	if s.records == nil {
		return false, nil
	}
	if checkRegistryName(name) == nil {
		if _, err := s.heads.lookup(ctx, name); !errors.Is(err, registry.ErrNoHead) {
			return false, nil
		}
	}
	return true, s.records.put(name, raw)
}

// resolveOther resolves /ipns/<name>/<rest…> through the stored record of
// a name not followed, following /ipns/ values up to maxOtherDepth.
func (s *Server) resolveOther(ctx context.Context, name ipnsrec.Name, rest []string) (namesys.Result, error) {
	ttl := time.Duration(math.MaxInt64)
	for range maxOtherDepth {
		_, rec, err := s.records.get(name)
		if err != nil {
			return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w", name, err))
		}
		v, err := rec.Value()
		if err != nil {
			return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w: %w", name, errUnusableRecord, err))
		}
		if t, err := rec.TTL(); err == nil {
			ttl = min(ttl, t)
		}
		segs := v.Segments()
		rest = append(segs[2:], rest...)
		if v.Mutable() {
			next, err := parseName(segs[1])
			if err != nil {
				return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w: %w", name, errUnusableRecord, err))
			}
			vh, err := s.liveHead(ctx, next)
			if s.useRecords(err) {
				name = next
				continue
			}
			if err != nil {
				return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w", segs[1], err))
			}
			segs = []string{"ipfs", vh.Root.String()}
		}
		out, err := path.NewPathFromSegments(append(segs[:2:2], rest...)...)
		if err != nil {
			return namesys.Result{}, err
		}
		return namesys.Result{Path: out, TTL: ttl}, nil
	}
	return namesys.Result{}, withStatus(fmt.Errorf("resolve /ipns/%s: %w: more than %d links", name, errUnusableRecord, maxOtherDepth))
}

// maxOtherDepth bounds the /ipns/ links followed through stored records.
const maxOtherDepth = 8
