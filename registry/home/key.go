package home

import (
	"os"

	"github.com/svcreg/svcreg/registry/ipns"
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
