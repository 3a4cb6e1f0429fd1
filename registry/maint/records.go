package maint

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
)

// markRecords marks the block each valid record in dir points at (the
// records of names not followed, gateway.Config.RecordsDir): among them
// the final record a home keeps for the name its registry moved from,
// whose Moved block no head reaches. Files that are no valid record at
// now are skipped; PruneRecords removes expired ones.
func markRecords(m *marker, dir string, now time.Time) error {
	if dir == "" {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if rec, err := ipns.Verify(e.Name(), raw, now); err == nil {
			m.keys[flatfs.Key(rec.Value.Hash())] = true
		}
	}
	return nil
}
