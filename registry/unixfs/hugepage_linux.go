package unixfs

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on the platforms Go
// supports with Linux; on others madvise is only a hint that does less.
const hugePage = 2 << 20

// hugeSlab returns n zero bytes, asking the kernel to back them with
// transparent huge pages (MADV_HUGEPAGE, which the default "madvise" mode
// of /sys/kernel/mm/transparent_hugepage/enabled needs). The memory stays
// the garbage collector's: advice only changes how it is paged in.
func hugeSlab(n int) []byte {
	if n < hugePage {
		return make([]byte, n)
	}
	b := make([]byte, n+hugePage)
	skip := int(-uintptr(unsafe.Pointer(&b[0])) & (hugePage - 1))
	b = b[skip : skip+n : skip+n]
	_ = syscall.Madvise(b[:n&^(hugePage-1)], syscall.MADV_HUGEPAGE) // a hint; without it, 4 KiB pages
	return b
}
