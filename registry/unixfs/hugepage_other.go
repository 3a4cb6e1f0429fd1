//go:build !linux

package unixfs

// hugeSlab returns n zero bytes.
func hugeSlab(n int) []byte { return make([]byte, n) }
