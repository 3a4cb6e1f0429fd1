//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package flatfs

import (
	"errors"
	"io"
	"os"
)

// readFileID reads file. Without inode numbers there is no identity: ok
// is false, and every read is hashed. buf is used as on other systems.
func readFileID(file string, buf []byte) (data []byte, id fileID, ok bool, err error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fileID{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileID{}, false, err
	}
	if int64(cap(buf)) > fi.Size() {
		data = buf[:fi.Size()]
	} else {
		data = make([]byte, fi.Size())
	}
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fileID{}, false, err
	}
	return data, fileID{}, false, nil
}

// statID reports no identity.
func statID(string) (fileID, bool, error) { return fileID{}, false, errors.ErrUnsupported }
