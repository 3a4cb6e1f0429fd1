package main

import (
	"errors"

	"github.com/svcreg/svcreg/registry/bolt"
)

// checkIndex opens the index at path read-only and closes it again, so a
// long-running command (serve) refuses a damaged index at start instead
// of failing on every request. A locked index is no error: a writer is
// at work.
func checkIndex(path string) error {
	c, err := bolt.Open(path, &bolt.Options{ReadOnly: true, Timeout: -1})
	if errors.Is(err, bolt.ErrLocked) {
		return nil
	}
	if err != nil {
		return err
	}
	return c.Close()
}
