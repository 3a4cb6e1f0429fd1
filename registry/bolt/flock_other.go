//go:build !unix

package bolt

import (
	"os"
	"time"
)

// flockShared does nothing where bbolt locks by other means; checkFile
// then repeats its check without the lock.
func flockShared(*os.File, time.Duration) error { return nil }

func funlock(*os.File) {}
