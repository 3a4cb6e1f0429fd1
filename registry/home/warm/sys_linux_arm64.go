package warm

// Linux's system call numbers and the constants that differ by
// architecture (asm-generic/unistd.h, the arm64 fcntl.h and
// asm-generic/stat.h).
const (
	sysGetdents64 = 61
	sysRead       = 63
	sysWrite      = 64
	sysFlock      = 32
	sysClose      = 57
	sysOpenat     = 56
	sysNewfstatat = 79
	sysFstat      = 80
	sysExitGroup  = 94
	sysMunmap     = 215
	sysMmap       = 222

	oDirectory = 0o40000
	statSize   = 128
	statMode   = 16 // st_mode's offset, a uint32
	statSizeAt = 48 // st_size's offset, an int64
)
