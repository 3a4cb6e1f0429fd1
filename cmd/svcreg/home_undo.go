package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/bolt"
)

// newHomeKey is the App.Metadata key under which openBlocksWith records a
// home it had to create, so that run can remove it again if the command
// fails: a failed command leaves no home behind where there was none.
const newHomeKey = "svcreg.newHome"

// markNewHome records that the command created the home dir.
func markNewHome(c *cli.Context, dir string) {
	if c.App.Metadata == nil {
		c.App.Metadata = map[string]any{}
	}
	c.App.Metadata[newHomeKey] = dir
}

// undoNewHome removes the home a failed command created, when it holds
// nothing but what opening it made: an empty block store and an index
// without heads. Anything else (a key, a block, a record, a file another
// process put there meanwhile) keeps the home as it is. Only os.Remove is
// used, so a directory that gained an entry stays.
func undoNewHome(app *cli.App) {
	dir, ok := app.Metadata[newHomeKey].(string)
	if !ok || !emptyHome(dir) {
		return
	}
	os.Remove(filepath.Join(dir, indexFile))
	os.Remove(filepath.Join(dir, blocksDir, "SHARDING"))
	os.Remove(filepath.Join(dir, blocksDir, "_README"))
	os.Remove(filepath.Join(dir, blocksDir))
	os.Remove(dir)
}

// emptyHome reports whether dir holds only an empty block store and an
// index without heads.
func emptyHome(dir string) bool {
	empty := true
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch rel {
		case ".", blocksDir, indexFile, filepath.Join(blocksDir, "SHARDING"), filepath.Join(blocksDir, "_README"):
			return nil
		}
		empty = false
		return filepath.SkipAll
	})
	if err != nil || !empty {
		return false
	}
	return indexHasNoHeads(filepath.Join(dir, indexFile))
}

// indexHasNoHeads reports whether the index at path is missing or holds
// no head; a locked or unreadable index is taken to hold some.
func indexHasNoHeads(path string) bool {
	if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
		return true
	}
	c, err := bolt.Open(path, &bolt.Options{ReadOnly: true, Timeout: -1})
	if err != nil {
		return false
	}
	defer c.Close()
	names, err := c.Names(context.Background())
	return err == nil && len(names) == 0
}
