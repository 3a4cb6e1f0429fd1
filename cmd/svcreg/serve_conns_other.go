//go:build !unix

package main

// openFileLimit reports that there is no open-file limit to read.
func openFileLimit() (uint64, bool) { return 0, false }
