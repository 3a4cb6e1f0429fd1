// Package ptytest opens pseudo-terminals for tests of what a program
// writes, or refuses to write, to a terminal. It opens them on Linux
// (/dev/ptmx and /dev/pts); elsewhere Open skips the test.
package ptytest
