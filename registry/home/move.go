package home

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/svcreg/svcreg/internal/atomicfile"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/follow"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
	"github.com/svcreg/svcreg/registry/kubo"
)

// MovedKeyFile is where a home keeps the key of a name its registry moved
// from: "key.<old name>", beside KeyFile.
func (l Layout) MovedKeyFile(oldName string) string {
	return filepath.Join(string(l), KeyFile+"."+oldName)
}

// FinalRecordPath is where a home keeps the final record of a name its
// registry moved from: in RecordsDir, the records `svcreg serve` serves
// for names that have no head, under the name.
func (l Layout) FinalRecordPath(oldName string) string {
	return filepath.Join(l.RecordsDir(), oldName)
}

// LoadIPNSKey reads an IPNS key file in the home key's format, such as
// the key of a registry to move to (`svcreg move --to`), decrypting one
// encrypted with passphrase. Like the home's key, it is refused when its
// group or others may read it.
func LoadIPNSKey(path string, passphrase []byte) (*ipns.Key, error) {
	b, err := ipnsname.ReadKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	return parseKeyFile(path, b, passphrase)
}

// Moved records in the home that its registry moved from the name of its
// key to the name of next: final, the old name's final record, goes to
// FinalRecordPath (mode 0600), where `svcreg serve` serves it; the old key
// goes to MovedKeyFile; next becomes the home's key. The index already
// holds the new name's head (registry.Registry.SubmitMove).
func (h *Home) Moved(next *ipns.Key, final []byte) error {
	if err := h.RequireWritable(); err != nil {
		return err
	}
	old, err := h.Key()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(h.RecordsDir(), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(h.FinalRecordPath(old.Name()), final, 0o600, true); err != nil {
		return fmt.Errorf("write the final record of %s: %w", old.Name(), err)
	}
	if err := old.Save(h.MovedKeyFile(old.Name())); err != nil {
		return fmt.Errorf("keep the key of %s: %w", old.Name(), err)
	}
	if err := os.Remove(h.KeyPath()); err != nil {
		return err
	}
	h.mu.Lock()
	h.keyOK = false
	h.mu.Unlock()
	return h.SaveKey(next)
}

// FinalRecords returns the final records the home keeps for the names its
// registry moved from (those with a MovedKeyFile), by name.
func (h *Home) FinalRecords() (map[string][]byte, error) {
	keys, err := filepath.Glob(filepath.Join(h.Dir(), KeyFile+".k51*"))
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, k := range keys {
		name := strings.TrimPrefix(filepath.Base(k), KeyFile+".")
		raw, err := os.ReadFile(h.FinalRecordPath(name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		out[name] = raw
	}
	return out, nil
}

// FinalPush is what PushFinals did with one final record.
type FinalPush struct {
	Name string // the name moved from
	How  string // follow.PushStored or follow.PushUnchanged
}

// PushFinals sends the final records of the names the home's registry
// moved from (FinalRecords) to the kubo node k, in the order of their
// names (follow.PushFinal, at now), and returns what it did with each
// until the first error.
func (h *Home) PushFinals(ctx context.Context, k *kubo.Client, now time.Time) ([]FinalPush, error) {
	finals, err := h.FinalRecords()
	if err != nil {
		return nil, err
	}
	var out []FinalPush
	for _, name := range slices.Sorted(maps.Keys(finals)) {
		how, err := follow.PushFinal(ctx, k, h.blocks, name, finals[name], now)
		if err != nil {
			return out, err
		}
		out = append(out, FinalPush{Name: name, How: how})
	}
	return out, nil
}

// SubmitMove moves the home's registry to the name of next with m, a
// move signed as its Root requires: reg, the home's registry opened for
// changes (Signing, with the publish keys of the new Root in use), stores
// the move and makes the new name's first state, its records signed by
// next with lifetime and ttl (0: ipns.Signer's defaults), and the home's
// key signs the old name's final record, valid as long as the move's
// Root allows records to be (at most ipns.MaxLifetime); then the home
// records the move (Moved): next becomes its key. Errors are
// registry.Registry.SubmitMove's (ErrUntrusted, ErrExists for a new name
// with a head already) or the home's.
func (h *Home) SubmitMove(ctx context.Context, reg *registry.Registry, m *registry.Move, next *ipns.Key, lifetime, ttl time.Duration) (registry.MoveResult, error) {
	key, err := h.Key()
	if err != nil {
		return registry.MoveResult{}, err
	}
	ns := ipns.NewSigner(next)
	ns.Lifetime, ns.TTL = lifetime, ttl
	final := ipns.NewSigner(key)
	final.Lifetime = min(m.Root.Root.MaxRecordLifetime, ipns.MaxLifetime)
	res, err := reg.SubmitMove(ctx, m, registry.MoveKeys{New: ns, Final: final})
	if err != nil {
		return res, err
	}
	return res, h.Moved(next, res.Final.Record)
}
