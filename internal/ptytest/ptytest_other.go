//go:build !linux

package ptytest

import (
	"os"
	"testing"
)

// Open skips the test: pseudo-terminals are opened on Linux only.
func Open(t testing.TB) (ptmx, tty *os.File) {
	t.Helper()
	t.Skip("ptytest opens pseudo-terminals on Linux only")
	return nil, nil
}
