package maint

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/ipns"
)

// indexHeads opens the index at path read-only, runs its consistency
// check when check is set, and returns its heads. A missing index has no
// heads.
func indexHeads(ctx context.Context, path string, check bool) ([]registry.Head, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	c, err := bolt.Open(path, &bolt.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if check {
		if err := c.Check(ctx); err != nil {
			return nil, err
		}
	}
	return c.Heads(ctx)
}

// anyTimeVerifier checks IPNS records as every reader does but accepts
// expired ones: a record file proves a sequence was signed, which is what
// the rollback floor needs, however old it is.
type anyTimeVerifier struct{}

func (anyTimeVerifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Unix(1, 0))
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}

// liveVerifier checks IPNS records as every reader does, at the time of
// the check.
type liveVerifier struct{}

func (liveVerifier) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Time{})
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}

// fileHeads returns, for each registry with record files beside the
// index at indexPath, the newest state they prove whose manifest block is
// stored. Registries for which none qualifies are returned in failed,
// with why.
func fileHeads(ctx context.Context, indexPath string, blocks registry.Blocks) (heads []registry.Head, failed map[string]error, err error) {
	files, err := bolt.ReadHeadFiles(bolt.HeadsDir(indexPath))
	if err != nil {
		return nil, nil, err
	}
	records := map[string][][]byte{}
	var names []string
	for _, f := range files {
		if records[f.Name] == nil {
			names = append(names, f.Name)
		}
		records[f.Name] = append(records[f.Name], f.Record)
	}
	failed = map[string]error{}
	for _, n := range names {
		h, err := registry.RecoverHead(ctx, blocks, anyTimeVerifier{}, n, records[n])
		if err != nil {
			failed[n] = err
			continue
		}
		heads = append(heads, h)
	}
	return heads, failed, nil
}

// rebuildIndex replaces the index at path by one holding heads (and so
// their floors), the root floors given for them, and no cached
// resolutions. The old file, if any, is kept
// beside it as index.db.damaged-<now>; rebuildIndex returns its path.
func rebuildIndex(ctx context.Context, path string, heads []registry.Head, roots map[string]registry.RootFloor, now time.Time) (string, error) {
	tmp := path + ".rebuild"
	os.Remove(tmp)
	c, err := bolt.Open(tmp, &bolt.Options{Rebuild: true})
	if err != nil {
		return "", err
	}
	for _, h := range heads {
		var err error
		if rf, ok := roots[h.Name]; ok {
			err = c.SwapHeadRoot(ctx, 0, h, rf)
		} else {
			err = c.SwapHead(ctx, 0, h)
		}
		if err != nil {
			c.Close()
			os.Remove(tmp)
			return "", err
		}
	}
	if err := c.Close(); err != nil {
		return "", err
	}
	aside := ""
	if _, err := os.Stat(path); err == nil {
		aside = fmt.Sprintf("%s.damaged-%s", path, now.UTC().Format("20060102T150405.000000000"))
		if err := os.Rename(path, aside); err != nil {
			return "", fmt.Errorf("move the damaged index aside: %w", err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("put the rebuilt index in place: %w", err)
	}
	return aside, nil
}

// sortHeads orders heads by registry name, for stable output.
func sortHeads(hs []registry.Head) {
	slices.SortFunc(hs, func(a, b registry.Head) int { return strings.Compare(a.Name, b.Name) })
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return !errors.Is(err, os.ErrNotExist)
}

// removeFile removes p; a file already gone is no error.
func removeFile(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// clock returns now, or time.Now when now is nil.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
