package flatfs

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"sync"

	dshelp "github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	ipld "github.com/ipfs/go-ipld-format"
)

// maxMemo bounds the verified file versions remembered (about 100 bytes
// each); past it the memory starts over, and blocks are hashed again.
const maxMemo = 1 << 18

// maxHeldBlock and maxHeld bound the verified bytes the memo keeps: of
// blocks up to maxHeldBlock bytes (directories, small files, the inner
// nodes of large ones), at most maxHeld bytes in all.
const (
	maxHeldBlock = 256 << 10
	maxHeld      = 32 << 20
)

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
//
// Of small blocks it also keeps the verified bytes: a read of one whose
// file is still the version they were read from (one stat) returns a
// copy of them instead of reading the file again (open, fstat, read,
// close). The bytes are those that hashed to the CID, so this serves
// nothing the file-reading path would not.
type verifiedMemo struct {
	mu   sync.Mutex
	m    map[string]fileID
	held map[string][]byte // key → the verified bytes of version m[key]
	size int               // bytes in held
}

func newVerifiedMemo() *verifiedMemo {
	return &verifiedMemo{m: map[string]fileID{}, held: map[string][]byte{}}
}

func (v *verifiedMemo) verified(key string, id fileID) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	got, ok := v.m[key]
	return ok && got == id
}

// heldBytes returns the verified bytes kept for key and the version of
// the file they were read from.
func (v *verifiedMemo) heldBytes(key string) (fileID, []byte, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	data, ok := v.held[key]
	return v.m[key], data, ok
}

// remember records that version id of key's file holds data, which
// hashed to its CID. Small blocks' bytes are kept (a copy).
func (v *verifiedMemo) remember(key string, id fileID, data []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.m) >= maxMemo {
		clear(v.m)
		clear(v.held)
		v.size = 0
	}
	prev, known := v.m[key]
	v.m[key] = id
	if _, had := v.held[key]; had && known && prev == id {
		return // these bytes are kept already
	}
	v.drop(key)
	if len(data) > maxHeldBlock {
		return
	}
	for k := range v.held { // random victims, until data fits
		if v.size+len(data) <= maxHeld {
			break
		}
		v.drop(k)
	}
	v.held[key] = bytes.Clone(data)
	v.size += len(data)
}

func (v *verifiedMemo) forget(key string) {
	v.mu.Lock()
	delete(v.m, key)
	v.drop(key)
	v.mu.Unlock()
}

// drop forgets the bytes kept for key (v.mu held).
func (v *verifiedMemo) drop(key string) {
	if data, ok := v.held[key]; ok {
		v.size -= len(data)
		delete(v.held, key)
	}
}

// readWithID reads the file of key and returns its bytes with the
// identity of the version read (taken from the open file, so the two
// belong together). ok is false where the platform gives no identity.
func (d *dirStore) readWithID(key ds.Key) ([]byte, fileID, bool, error) {
	_, file, err := d.path(key)
	if err != nil {
		return nil, fileID{}, false, err
	}
	return d.readFile(file, nil)
}

// readFile is readWithID of the file's path, into buf where it fits (see
// readFileID); a missing file is ds.ErrNotFound.
func (d *dirStore) readFile(file string, buf []byte) ([]byte, fileID, bool, error) {
	data, id, ok, err := readFileID(file, buf)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fileID{}, false, ds.ErrNotFound
	}
	return data, id, ok, err
}

// getMemo is Get through the memo: a small block whose file is unchanged
// since it was verified is answered from the bytes kept; otherwise the
// block's file is read with its identity, and hashed unless that version
// was verified before. The bytes are read (or copied) into buf when they
// fit in it, else into a new slice.
func (v *verifiedBlockstore) getMemo(_ context.Context, c cid.Cid, buf []byte) ([]byte, error) {
	key := dshelp.MultihashToDsKey(c.Hash())
	_, file, err := v.dir.path(key)
	if err != nil {
		return nil, err
	}
	k := key.String()
	if id, data, ok := v.memo.heldBytes(k); ok {
		now, ok, err := statID(file)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			v.memo.forget(k)
			return nil, notFound(c)
		case err == nil && ok && now == id:
			if cap(buf) >= len(data) {
				return append(buf[:0], data...), nil
			}
			return bytes.Clone(data), nil
		}
	}
	data, id, ok, err := v.dir.readFile(file, buf)
	if errors.Is(err, ds.ErrNotFound) {
		return nil, notFound(c)
	} else if err != nil {
		return nil, err
	}
	if !ok || !v.memo.verified(k, id) {
		if err := verify(c, data); err != nil {
			v.memo.forget(k)
			return nil, err
		}
	}
	if ok {
		v.memo.remember(k, id, data)
	}
	return data, nil
}

// notFound is what boxo's blockstore returns for a missing block.
func notFound(c cid.Cid) error { return ipld.ErrNotFound{Cid: c} }
