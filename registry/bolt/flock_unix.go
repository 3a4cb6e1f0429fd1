//go:build unix

package bolt

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// flockShared takes a shared flock on f, trying until timeout.
func flockShared(f *os.File, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = checkLockTimeout
	}
	deadline := time.Now().Add(timeout)
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) {
			return fmt.Errorf("lock index: %w", err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("open index %s: %w (waited %s)", f.Name(), ErrLocked, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func funlock(f *os.File) { unix.Flock(int(f.Fd()), unix.LOCK_UN) }
