package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/bolt"
	"github.com/svcreg/svcreg/registry/flatfs"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/unixfs"
)

// What fsck and gc share: the heads of a home (from its index and from
// the record files beside it) and a walk that marks every block they
// reach, content included.

// marker walks heads over a block store and remembers, by multihash,
// every block it reached.
type marker struct {
	blocks *flatfs.Store
	reach  registry.Reach
	keys   map[string]bool
}

func newMarker(blocks *flatfs.Store, keepHistory int) *marker {
	return &marker{blocks: blocks, reach: registry.Reach{Blocks: blocks, KeepHistory: keepHistory}, keys: map[string]bool{}}
}

// walk marks what h reaches and passes every block, with the error of
// reading it, to visit. Content DAGs are walked block by block.
func (m *marker) walk(ctx context.Context, h registry.Head, visit registry.Visit) error {
	bs := m.blocks.Blockstore()
	return m.reach.Walk(ctx, h, func(c cid.Cid, kind registry.BlockKind, err error) error {
		if kind != registry.KindContent {
			m.keys[flatfs.Key(c.Hash())] = true
			return visit(c, kind, err)
		}
		skip := func(x cid.Cid) bool { return m.keys[flatfs.Key(x.Hash())] }
		return unixfs.WalkDAG(ctx, bs, c, skip, func(x cid.Cid, err error) error {
			m.keys[flatfs.Key(x.Hash())] = true
			return visit(x, registry.KindContent, err)
		})
	})
}

// marked reports whether the stored block with multihash key was reached.
func (m *marker) marked(key string) bool { return m.keys[key] }

// indexHeads opens the index read-only, runs its consistency check when
// check is set, and returns its heads. A missing index has no heads.
func indexHeads(ctx context.Context, dir string, check bool) ([]registry.Head, error) {
	path := filepath.Join(dir, indexFile)
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

// recordVerifierAnyTime checks records as recordVerifier does but
// accepts expired ones: a record file proves a sequence was signed, which
// is what the rollback floor needs, however old it is.
type recordVerifierAnyTime struct{}

func (recordVerifierAnyTime) VerifyRecord(name string, raw []byte) (registry.Record, error) {
	r, err := ipns.Verify(name, raw, time.Unix(1, 0))
	if err != nil {
		return registry.Record{}, err
	}
	return registry.Record{Root: r.Value, Seq: r.Seq, Validity: r.Validity, TTL: r.TTL}, nil
}

// fileHeads returns, for each registry with record files beside the
// index, the newest state they prove whose manifest block is stored.
// Registries for which none qualifies are returned in failed, with why.
func fileHeads(ctx context.Context, dir string, blocks registry.Blocks) (heads []registry.Head, failed map[string]error, err error) {
	files, err := bolt.ReadHeadFiles(bolt.HeadsDir(filepath.Join(dir, indexFile)))
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
		h, err := registry.RecoverHead(ctx, blocks, recordVerifierAnyTime{}, n, records[n])
		if err != nil {
			failed[n] = err
			continue
		}
		heads = append(heads, h)
	}
	return heads, failed, nil
}

// rebuildIndex replaces the index of dir by one holding heads (and so
// their floors), and no cached resolutions. The old file, if any, is kept
// beside it as index.db.damaged-<time>.
func rebuildIndex(ctx context.Context, dir string, heads []registry.Head) (string, error) {
	path := filepath.Join(dir, indexFile)
	tmp := path + ".rebuild"
	os.Remove(tmp)
	c, err := bolt.Open(tmp, &bolt.Options{Rebuild: true})
	if err != nil {
		return "", err
	}
	for _, h := range heads {
		if err := c.SwapHead(ctx, 0, h); err != nil {
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
		aside = fmt.Sprintf("%s.damaged-%s", path, time.Now().UTC().Format("20060102T150405.000000000"))
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
	slices.SortFunc(hs, func(a, b registry.Head) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
}

// checkIndex opens the index of dir read-only and closes it again, so a
// long-running command (serve) refuses a damaged index at start instead
// of failing on every request. A locked index is no error: a writer is
// at work.
func checkIndex(dir string) error {
	c, err := bolt.Open(filepath.Join(dir, indexFile), &bolt.Options{ReadOnly: true, Timeout: -1})
	if errors.Is(err, bolt.ErrLocked) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.Close()
}
