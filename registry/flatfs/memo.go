package flatfs

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"

	dshelp "github.com/ipfs/boxo/datastore/dshelp"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	ipld "github.com/ipfs/go-ipld-format"
)

// maxMemo bounds the verified file versions remembered (about 100 bytes
// each); past it the memory starts over, and blocks are hashed again.
const maxMemo = 1 << 18

// fileID identifies one version of a block file: the file (device and
// inode), its size and its modification and change times. Any write to
// the file, or a new file put in its place, changes it; the change time
// cannot be set from user space.
type fileID struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // nanoseconds
}

// verifiedMemo remembers which block file versions hashed to their CID,
// so that a block read again from an unchanged file is not hashed again.
// A block is hashed on its first read by this process and whenever its
// file changed since; nothing is served that was not verified since it
// was last written.
type verifiedMemo struct {
	mu sync.Mutex
	m  map[string]fileID
}

func newVerifiedMemo() *verifiedMemo { return &verifiedMemo{m: map[string]fileID{}} }

func (v *verifiedMemo) verified(key string, id fileID) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	got, ok := v.m[key]
	return ok && got == id
}

func (v *verifiedMemo) remember(key string, id fileID) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.m) >= maxMemo {
		clear(v.m)
	}
	v.m[key] = id
}

func (v *verifiedMemo) forget(key string) {
	v.mu.Lock()
	delete(v.m, key)
	v.mu.Unlock()
}

// readWithID reads the file of key and returns its bytes with the
// identity of the version read (taken from the open file, so the two
// belong together). ok is false where the platform gives no identity.
func (d *dirStore) readWithID(key ds.Key) ([]byte, fileID, bool, error) {
	_, file, err := d.path(key)
	if err != nil {
		return nil, fileID{}, false, err
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fileID{}, false, ds.ErrNotFound
	} else if err != nil {
		return nil, fileID{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileID{}, false, err
	}
	id, ok := idOf(fi)
	data := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fileID{}, false, err
	}
	// A file that grew while it was read is another version.
	if n, _ := f.Read(make([]byte, 1)); n != 0 {
		ok = false
	}
	return data, id, ok, nil
}

// getMemo is Get through the memo: the block's file is read with its
// identity, and hashed unless that version was verified before.
func (v *verifiedBlockstore) getMemo(_ context.Context, c cid.Cid) (blocks.Block, error) {
	key := dshelp.MultihashToDsKey(c.Hash())
	data, id, ok, err := v.dir.readWithID(key)
	if errors.Is(err, ds.ErrNotFound) {
		return nil, notFound(c)
	} else if err != nil {
		return nil, err
	}
	if !ok || !v.memo.verified(key.String(), id) {
		if err := verify(c, data); err != nil {
			v.memo.forget(key.String())
			return nil, err
		}
		if ok {
			v.memo.remember(key.String(), id)
		}
	}
	return blocks.NewBlockWithCid(data, c)
}

// notFound is what boxo's blockstore returns for a missing block.
func notFound(c cid.Cid) error { return ipld.ErrNotFound{Cid: c} }
