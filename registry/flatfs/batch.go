package flatfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/datastore/dshelp"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// syncWorkers is how many files a Commit syncs at once. Concurrent fsyncs
// share the file system's journal commits and keep the disk queue full.
const syncWorkers = 32

// Batch writes blocks so that they become durable together, with one round
// of syncs instead of two fsyncs per block.
//
// Put writes each block to a unique temporary file in the block's shard
// directory and does not sync it (on Linux it starts the write-back).
// Commit syncs every temporary file (in parallel), renames each into
// place, then syncs every directory that gained a name. So a file under a
// block's final name has always reached stable storage before it got that
// name, and when Commit returns every block of the batch is durable.
//
// Until Commit, the blocks are visible only through the batch. A block
// already stored intact is not written again (the stored bytes are
// compared with the new ones, so a corrupt copy is replaced). A Batch is
// safe for concurrent use; after Commit or Discard it must not be used.
// Its temporary files live until Commit or Discard, as long as the import
// that fills it: a cutoff given to Store.Temps must allow for that.
type Batch struct {
	s      *Store
	syncFn func(path string) error // syncPath; tests observe it

	mu      sync.Mutex
	pending map[string]pendingBlock // final path → temporary file
	dirs    map[string]bool         // shard directories that gain names
	done    bool
}

type pendingBlock struct {
	dir, tmp string
}

// NewBatch starts a batch of writes into s.
func (s *Store) NewBatch() *Batch {
	return &Batch{s: s, syncFn: syncPath, pending: map[string]pendingBlock{}, dirs: map[string]bool{}}
}

// Put adds the block c with data to the batch; the caller guarantees that
// data hashes to c. It writes nothing when an intact copy is stored.
func (b *Batch) Put(ctx context.Context, c cid.Cid, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, file, err := b.s.ds.path(dshelp.MultihashToDsKey(c.Hash()))
	if err != nil {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	b.mu.Lock()
	_, queued := b.pending[file]
	closed := b.done
	b.mu.Unlock()
	if closed {
		return errors.New("put block: batch already committed or discarded")
	}
	if queued || (storedIntact(file, data) && !touchGone(file)) {
		return nil // stored, and touched for gc's grace period (maint.go)
	}
	if err := b.s.ds.ensure(); err != nil {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	tmp, err := writeTemp(dir, data, b.s.ds.sync)
	if err != nil {
		return fmt.Errorf("put block %s: %w", c, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, dup := b.pending[file]; dup || b.done {
		os.Remove(tmp)
		return nil
	}
	b.pending[file] = pendingBlock{dir: dir, tmp: tmp}
	b.dirs[dir] = true
	return nil
}

// PutMany adds several blocks to the batch.
func (b *Batch) PutMany(ctx context.Context, blks []manifest.Block) error {
	for _, blk := range blks {
		if err := b.Put(ctx, blk.CID, blk.Data); err != nil {
			return err
		}
	}
	return nil
}

// Commit makes every block of the batch durable and visible: it syncs the
// temporary files, renames them into place and syncs their directories
// and the store's root. Without
// sync (Options.NoSync) it only renames.
func (b *Batch) Commit(ctx context.Context) error {
	b.mu.Lock()
	if b.done {
		b.mu.Unlock()
		return errors.New("commit blocks: batch already committed or discarded")
	}
	b.done = true
	b.mu.Unlock()
	if len(b.pending) == 0 {
		return nil
	}
	if b.s.ds.sync {
		tmps := make([]string, 0, len(b.pending))
		for _, p := range b.pending {
			tmps = append(tmps, p.tmp)
		}
		if err := syncAll(ctx, tmps, b.syncFn); err != nil {
			b.removeTemps()
			return fmt.Errorf("commit blocks: %w", err)
		}
	}
	for file, p := range b.pending {
		if err := os.Rename(p.tmp, file); err != nil {
			b.removeTemps()
			return fmt.Errorf("commit blocks: %w", err)
		}
	}
	if !b.s.ds.sync {
		return nil
	}
	// The root too, always: a shard directory that another process created
	// just now may not be durable in it yet.
	dirs := make([]string, 0, len(b.dirs)+1)
	for d := range b.dirs {
		dirs = append(dirs, d)
	}
	dirs = append(dirs, b.s.ds.root)
	if err := syncAll(ctx, dirs, b.syncFn); err != nil {
		return fmt.Errorf("commit blocks: %w", err)
	}
	return nil
}

// Discard removes the batch's temporary files; nothing of it is stored.
// It is a no-op after Commit.
func (b *Batch) Discard() {
	b.mu.Lock()
	if b.done {
		b.mu.Unlock()
		return
	}
	b.done = true
	b.mu.Unlock()
	b.removeTemps()
}

// removeTemps removes the temporary files that are still there.
func (b *Batch) removeTemps() {
	for _, p := range b.pending {
		os.Remove(p.tmp)
	}
}

// tempOf returns the temporary file holding c, if c is in the batch.
func (b *Batch) tempOf(c cid.Cid) (string, bool) {
	_, file, err := b.s.ds.path(dshelp.MultihashToDsKey(c.Hash()))
	if err != nil {
		return "", false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	p, ok := b.pending[file]
	return p.tmp, ok
}

// storedIntact reports whether file holds exactly data.
func storedIntact(file string, data []byte) bool {
	fi, err := os.Stat(file)
	if err != nil || fi.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(file)
	return err == nil && bytes.Equal(old, data)
}

// writeTemp writes data to a new temporary file in dir without syncing it
// and returns its path. With sync it starts the file's write-back, so the
// sync in Commit mostly waits for writes already under way.
func writeTemp(dir string, data []byte, sync bool) (string, error) {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil && sync {
		startWriteback(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// syncAll fsyncs the files or directories at paths, several at a time.
func syncAll(ctx context.Context, paths []string, syncPath func(string) error) error {
	work := make(chan string)
	errs := make(chan error, syncWorkers)
	var wg sync.WaitGroup
	for range min(syncWorkers, len(paths)) {
		wg.Go(func() {
			var first error
			for p := range work {
				if first == nil {
					first = syncPath(p)
				}
			}
			errs <- first
		})
	}
	var err error
	for _, p := range paths {
		if err = ctx.Err(); err != nil {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
	close(errs)
	for e := range errs {
		err = errors.Join(err, e)
	}
	return err
}

// syncPath fsyncs the file or directory at p.
func syncPath(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchBlockstore is a boxo blockstore whose writes go into a Batch; reads
// see the batch first, then the store.
type batchBlockstore struct {
	*verifiedBlockstore
	b *Batch
}

var _ blockstore.Blockstore = (*batchBlockstore)(nil)

// Blockstore returns a boxo blockstore that writes into the batch and
// reads the batch's blocks and then the store's (verified).
func (b *Batch) Blockstore() blockstore.Blockstore {
	return &batchBlockstore{verifiedBlockstore: b.s.bs, b: b}
}

// Put adds blk to the batch.
func (bb *batchBlockstore) Put(ctx context.Context, blk blocks.Block) error {
	return bb.b.Put(ctx, blk.Cid(), blk.RawData())
}

// PutMany adds blks to the batch.
func (bb *batchBlockstore) PutMany(ctx context.Context, blks []blocks.Block) error {
	for _, blk := range blks {
		if err := bb.b.Put(ctx, blk.Cid(), blk.RawData()); err != nil {
			return err
		}
	}
	return nil
}

// Get returns c from the batch (verified, like every read) or the store.
func (bb *batchBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	if tmp, ok := bb.b.tempOf(c); ok {
		data, err := os.ReadFile(tmp)
		if err != nil {
			return nil, err
		}
		if err := verify(c, data); err != nil {
			return nil, err
		}
		return blocks.NewBlockWithCid(data, c)
	}
	return bb.verifiedBlockstore.Get(ctx, c)
}

// Has reports whether c is in the batch or the store. A writer asks Has
// to skip a Put (boxo's blockservice does), so a stored block is touched
// as Put would (maint.go); one gc removed meanwhile is reported missing.
func (bb *batchBlockstore) Has(ctx context.Context, c cid.Cid) (bool, error) {
	if _, ok := bb.b.tempOf(c); ok {
		return true, nil
	}
	ok, err := bb.verifiedBlockstore.Has(ctx, c)
	if ok && err == nil && bb.b.s.ds.touchBlockGone(c) {
		return false, nil
	}
	return ok, err
}

// GetSize returns the size of c in the batch or the store.
func (bb *batchBlockstore) GetSize(ctx context.Context, c cid.Cid) (int, error) {
	if tmp, ok := bb.b.tempOf(c); ok {
		fi, err := os.Stat(tmp)
		if err != nil {
			return -1, err
		}
		return int(fi.Size()), nil
	}
	return bb.verifiedBlockstore.GetSize(ctx, c)
}

// DeleteBlock refuses: a batch only adds.
func (bb *batchBlockstore) DeleteBlock(_ context.Context, c cid.Cid) error {
	return fmt.Errorf("delete block %s: a batch only adds blocks", c)
}
