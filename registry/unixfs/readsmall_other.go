//go:build !unix

package unixfs

import (
	"io"
	"os"
)

// readSmall reads the regular file at path when it holds at most max
// bytes and returns them; large reports a longer one. buf and out are
// not used.
func readSmall(path string, buf []byte, max int, _ *smallBufs) (data []byte, large bool, scratch []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false, buf, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, false, buf, err
	}
	if len(data) > max {
		return nil, true, buf, nil
	}
	return data, false, buf, nil
}
