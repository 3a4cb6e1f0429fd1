package flatfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ds "github.com/ipfs/go-datastore"
	"github.com/ipfs/go-datastore/query"
	flatfs "github.com/ipfs/go-ds-flatfs"

	"github.com/svcreg/svcreg/internal/atomicfile"
)

// Shard is the sharding of the block directory: kubo's default.
var Shard = flatfs.NextToLast(2)

// dirStore is a go-datastore over a directory in flatfs's on-disk format
// (kubo's blocks/ layout: a SHARDING file, next-to-last/2 shard
// directories, <KEY>.data files), written so that several processes can
// use one directory at once. go-ds-flatfs itself assumes one process (kubo
// holds repo.lock): its Open empties the shared .temp directory that other
// writers are using. Here each write goes to a unique temporary file in the
// block's own shard directory and is renamed into place; nothing is
// removed at open.
//
// The directory is made a store by the first write (ensure), not by
// opening it, so a process that only reads, or fails before it writes,
// leaves no trace.
type dirStore struct {
	root   string
	getDir flatfs.ShardFunc
	sync   bool

	mu    sync.Mutex
	ready bool // root exists and holds the SHARDING file
}

var _ ds.Batching = (*dirStore)(nil)

const (
	dataExt   = ".data"
	tmpPrefix = atomicfile.TempPrefix
)

// openDir opens the block directory root. A root that does not exist, or
// is empty, reads as an empty store until the first write creates it
// (ensure); one that holds files without a SHARDING file, or has another
// sharding, is refused.
func openDir(root string, sync bool) (*dirStore, error) {
	d := &dirStore{root: root, getDir: Shard.Func(), sync: sync}
	id, err := flatfs.ReadShardFunc(root)
	if errors.Is(err, flatfs.ErrShardingFileMissing) {
		if err := checkEmpty(root); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	if id.String() != Shard.String() {
		return nil, fmt.Errorf("%s is sharded %s, want %s", root, id, Shard)
	}
	d.ready = true
	return d, nil
}

// ensure makes root a block store before the first write: it creates
// root (and a missing parent, private, mode 0700, as a home is) and the
// SHARDING file. Every write calls it.
func (d *dirStore) ensure() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ready {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(d.root), 0o700); err != nil {
		return err
	}
	if err := os.Mkdir(d.root, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	id, err := flatfs.ReadShardFunc(d.root)
	if errors.Is(err, flatfs.ErrShardingFileMissing) {
		if err = checkEmpty(d.root); err != nil {
			return err
		}
		if err = writeShardFile(d.root); err == nil {
			id, err = flatfs.ReadShardFunc(d.root)
		}
	}
	if err != nil {
		return err
	}
	if id.String() != Shard.String() {
		return fmt.Errorf("%s is sharded %s, want %s", d.root, id, Shard)
	}
	d.ready = true
	return nil
}

// readRoot lists root; a root not created yet is empty.
func (d *dirStore) readRoot() ([]os.DirEntry, error) {
	es, err := os.ReadDir(d.root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return es, err
}

// checkEmpty refuses to turn a directory with other files into a store.
// Temporary files of another process creating the store are not counted.
func checkEmpty(root string) error {
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) && e.Name() != flatfs.SHARDING_FN {
			return fmt.Errorf("%s is not empty and has no %s file: not a block store", root, flatfs.SHARDING_FN)
		}
	}
	return nil
}

// writeShardFile creates the SHARDING file atomically, so that processes
// opening a new store at once all read a complete one.
func writeShardFile(root string) error {
	return atomicfile.WriteFile(filepath.Join(root, flatfs.SHARDING_FN), []byte(Shard.String()+"\n"), 0o644, true)
}

// path returns the shard directory and file of key.
func (d *dirStore) path(key ds.Key) (dir, file string, err error) {
	name := strings.TrimPrefix(key.String(), "/")
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return "", "", fmt.Errorf("invalid block key %q", key)
	}
	dir = filepath.Join(d.root, d.getDir(name))
	return dir, filepath.Join(dir, name+dataExt), nil
}

func (d *dirStore) Put(_ context.Context, key ds.Key, value []byte) error {
	dir, file, err := d.path(key)
	if err != nil {
		return err
	}
	if err := d.ensure(); err != nil {
		return err
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return atomicfile.WriteFile(file, value, 0o644, d.sync)
}

func (d *dirStore) Get(_ context.Context, key ds.Key) ([]byte, error) {
	_, file, err := d.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ds.ErrNotFound
	}
	return data, err
}

func (d *dirStore) Has(_ context.Context, key ds.Key) (bool, error) {
	_, file, err := d.path(key)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (d *dirStore) GetSize(_ context.Context, key ds.Key) (int, error) {
	_, file, err := d.path(key)
	if err != nil {
		return -1, err
	}
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		return -1, ds.ErrNotFound
	} else if err != nil {
		return -1, err
	}
	return int(fi.Size()), nil
}

func (d *dirStore) Delete(_ context.Context, key ds.Key) error {
	_, file, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Query lists the stored blocks; it reads values only when asked to.
func (d *dirStore) Query(ctx context.Context, q query.Query) (query.Results, error) {
	var entries []query.Entry
	shards, err := d.readRoot()
	if err != nil {
		return nil, err
	}
	for _, sh := range shards {
		if !sh.IsDir() || strings.HasPrefix(sh.Name(), ".") {
			continue
		}
		files, err := os.ReadDir(filepath.Join(d.root, sh.Name()))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name, ok := strings.CutSuffix(f.Name(), dataExt)
			if !ok || strings.HasPrefix(name, ".") {
				continue
			}
			e := query.Entry{Key: "/" + name}
			if !q.KeysOnly {
				if e.Value, err = d.Get(ctx, ds.NewKey(name)); err != nil {
					return nil, err
				}
			}
			entries = append(entries, e)
		}
	}
	return query.NaiveQueryApply(q, query.ResultsWithEntries(q, entries)), nil
}

func (d *dirStore) Sync(context.Context, ds.Key) error { return nil }
func (d *dirStore) Close() error                       { return nil }

func (d *dirStore) Batch(context.Context) (ds.Batch, error) { return ds.NewBasicBatch(d), nil }
