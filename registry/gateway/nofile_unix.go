//go:build unix

package gateway

import (
	"math"
	"syscall"
)

// openFileLimit returns the process's soft RLIMIT_NOFILE (which the Go
// runtime raises to the hard limit at start).
func openFileLimit() (uint64, bool) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur == 0 {
		return 0, false
	}
	return min(uint64(rl.Cur), math.MaxInt32), true
}
