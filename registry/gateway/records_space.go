package gateway

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
)

// The records of names not followed take room for as long as they live
// and not a second longer: a record past its end of life (by the server's
// clock) is removed as soon as room is needed, when the server reads the
// directory on first use, and by PruneRecords (svcreg gc). When the live
// records fill Config.MaxRecords, a record of a new name evicts the one
// closest to its end of life if it ends later itself; one that would be
// the first to go is refused (507). Room held by expired records never
// refuses a live one.

// load reads the end of life of every stored record once, removing those
// that expired or no longer verify. rs.mu is held.
func (rs *records) load() error {
	if rs.eols != nil {
		return nil
	}
	live, dead, err := readRecords(rs.dir, rs.now())
	if err != nil {
		return err
	}
	for _, n := range dead {
		if err := removeRecord(rs.dir, n); err != nil {
			return err
		}
	}
	rs.eols = live
	return nil
}

// room makes room for a record of a new name that ends at eol: expired
// records go first, then the one closest to its end of life if it ends
// before eol. It wraps errTooManyRecords when there is none. rs.mu is
// held.
func (rs *records) room(eol time.Time) error {
	if len(rs.eols) < rs.max {
		return nil
	}
	now := rs.now()
	for n, e := range rs.eols {
		if now.After(e) {
			if err := rs.remove(n); err != nil {
				return err
			}
		}
	}
	if len(rs.eols) < rs.max {
		return nil
	}
	victim, first := "", time.Time{}
	for n, e := range rs.eols {
		if victim == "" || e.Before(first) {
			victim, first = n, e
		}
	}
	if !first.Before(eol) {
		return fmt.Errorf("%w (%d, none ending before this one)", errTooManyRecords, rs.max)
	}
	return rs.remove(victim)
}

// remove deletes the stored record of name. rs.mu is held.
func (rs *records) remove(name string) error {
	if err := removeRecord(rs.dir, name); err != nil {
		return err
	}
	delete(rs.eols, name)
	return nil
}

// PruneRecords removes the records in dir (Config.RecordsDir) that are
// past their end of life at now or no longer verify, and returns how many
// it removed; with dry it removes nothing and returns how many it would.
// Each is read again just before it goes, so one replaced by a live
// record meanwhile stays. Files not named for an IPNS name are left alone.
func PruneRecords(dir string, now time.Time, dry bool) (int, error) {
	_, dead, err := readRecords(dir, now)
	if err != nil || dry {
		return len(dead), err
	}
	removed := 0
	for _, name := range dead {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return removed, fmt.Errorf("read records: %w", err)
		}
		if n, err := ipnsrec.NameFromString(name); err == nil && validates(n, raw, now) {
			continue
		}
		if err := removeRecord(dir, name); err != nil {
			return removed, err
		}
		removed++
	}
	return removed, nil
}

// readRecords reads every record in dir: the end of life of each live
// one by name, and the names of those expired at now or unusable.
func readRecords(dir string, now time.Time) (map[string]time.Time, []string, error) {
	live := map[string]time.Time{}
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return live, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("read records: %w", err)
	}
	var dead []string
	for _, e := range es {
		name, err := ipnsrec.NameFromString(e.Name())
		if err != nil || !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, nil, fmt.Errorf("read records: %w", err)
		}
		if eol, err := validateRecord(name, raw, now); err == nil {
			live[e.Name()] = eol
		} else {
			dead = append(dead, e.Name())
		}
	}
	return live, dead, nil
}

// validates reports whether raw is a live record of name at now.
func validates(name ipnsrec.Name, raw []byte, now time.Time) bool {
	_, err := validateRecord(name, raw, now)
	return err == nil
}

// removeRecord removes the record file of name in dir.
func removeRecord(dir, name string) error {
	if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove record: %w", err)
	}
	return nil
}
