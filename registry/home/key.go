package home

import (
	"fmt"
	"io"
	"os"

	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/ipns/ipnsname"
)

// ImportKey makes k the registry key of the home dir, creating the home
// (mode 0700) when it is missing. A home that has a key keeps it: the
// error wraps ipns.ErrKeyExists.
func ImportKey(dir string, k *ipns.Key) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return k.Save(Layout(dir).KeyPath())
}

// ReadKeyFile reads the key file a key import names: the file at path,
// or r (standard input) when path is "-". At most
// ipnsname.MaxKeyFileSize bytes are read from either; more wraps
// ipnsname.ErrKeyFile.
func ReadKeyFile(path string, r io.Reader) ([]byte, error) {
	from := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, from = f, path
	}
	b, err := io.ReadAll(io.LimitReader(r, ipnsname.MaxKeyFileSize+1))
	if err == nil && len(b) > ipnsname.MaxKeyFileSize {
		err = fmt.Errorf("read key from %s: %w: larger than %d bytes", from, ipnsname.ErrKeyFile, ipnsname.MaxKeyFileSize)
	}
	return b, err
}
