package warm

// Linux's system call numbers and the constants that differ by
// architecture (asm/unistd_64.h, asm-generic/fcntl.h and the x86 one,
// struct stat of each).
const (
	sysRead       = 0
	sysWrite      = 1
	sysClose      = 3
	sysFstat      = 5
	sysMmap       = 9
	sysMunmap     = 11
	sysFlock      = 73
	sysGetdents64 = 217
	sysExitGroup  = 231
	sysOpenat     = 257
	sysNewfstatat = 262

	oDirectory = 0o200000
	statSize   = 144
	statMode   = 24 // st_mode's offset, a uint32
	statSizeAt = 48 // st_size's offset, an int64
)
