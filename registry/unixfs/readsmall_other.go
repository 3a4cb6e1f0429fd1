//go:build !unix

package unixfs

import (
	"io"
	"os"
)

// readSmall reads the regular file at path when it holds fewer bytes
// than buf and returns them; large reports a longer one.
func readSmall(path string, buf []byte) (data []byte, large bool, err error) {
	max := len(buf) - 1
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, int64(max)+1))
	if err != nil {
		return nil, false, err
	}
	if len(data) > max {
		return nil, true, nil
	}
	return data, false, nil
}
