//go:build linux && (amd64 || arm64)

package warm

import "syscall"

const pathSeparator = "/"

func init() {
	if v, _ := syscall.Getenv(DisableEnv); v == "1" {
		return
	}
	args, ok := cmdline()
	if !ok || len(args) == 0 {
		return
	}
	cid, ok := Answer(args[1:])
	if !ok {
		return
	}
	// One write of a few dozen bytes; on any error (a closed pipe, a
	// non-blocking descriptor) the full program answers and fails as it
	// does.
	out := []byte(cid + "\n")
	for len(out) > 0 {
		n, err := syscall.Write(1, out)
		switch {
		case err == syscall.EINTR:
		case (err != nil || n <= 0) && len(out) == len(cid)+1:
			return
		case err != nil || n <= 0:
			syscall.Exit(1) // part of the answer is out: not repeatable
		default:
			out = out[n:]
		}
	}
	syscall.Exit(0)
}

func getenv(key string) string {
	v, _ := syscall.Getenv(key)
	return v
}

// cmdline returns the program's arguments, os.Args, which package os is
// not yet there to give: /proc/self/cmdline holds them, each ended by a
// NUL.
func cmdline() ([]string, bool) {
	b, ok := readFile("/proc/self/cmdline", 1<<20)
	if !ok || len(b) == 0 || b[len(b)-1] != 0 {
		return nil, false
	}
	var args []string
	for start, i := 0, 0; i < len(b); i++ {
		if b[i] == 0 {
			args = append(args, string(b[start:i]))
			start = i + 1
		}
	}
	return args, true
}

// Answer returns the CID that the command line args (without the program
// name) resolve to when it is `resolve SPEC [--home DIR]`, in any order,
// and the index holds that answer for the current head.
func Answer(args []string) (string, bool) {
	spec, home, ok := parse(args, getenv, func() string { return getenv("HOME") })
	if !ok {
		return "", false
	}
	var st syscall.Stat_t
	if syscall.Lstat(inHome(home, "config.json"), &st) == nil {
		return "", false // remotes configured: the full path picks the registry
	}
	if !homeSafe(home) {
		return "", false // the full path refuses it, with a hint
	}
	key, ok := readKeyFile(inHome(home, "key"))
	if !ok {
		return "", false
	}
	name, ok := registryName(key)
	if !ok {
		return "", false
	}
	q, ok := query(spec)
	if !ok {
		return "", false
	}
	return resolution(inHome(home, "index.db"), name, q)
}

// homeSafe applies ipnsname.CheckHome's rule: the home and what is in it
// (links followed) are not writable by group or others; a home that is
// missing or unreadable is left to what opens it.
func homeSafe(dir string) bool {
	var st syscall.Stat_t
	if syscall.Stat(dir, &st) != nil {
		return true
	}
	if st.Mode&0o022 != 0 {
		return false
	}
	fd, err := open(dir, syscall.O_DIRECTORY)
	if err != nil {
		return true
	}
	defer syscall.Close(fd)
	var names []string
	buf := make([]byte, 8192)
	for {
		n, err := syscall.ReadDirent(fd, buf)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return true // os.ReadDir fails: CheckHome passes it
		}
		if n <= 0 {
			break
		}
		_, _, names = syscall.ParseDirent(buf[:n], -1, names)
	}
	for _, name := range names {
		p := dir + "/" + name
		if dir != "" && dir[len(dir)-1] == '/' {
			p = dir + name
		}
		if syscall.Stat(p, &st) != nil {
			continue
		}
		if st.Mode&0o022 != 0 {
			return false
		}
	}
	return true
}

// keyFileSize is the size of the only key files svcreg reads: a libp2p
// protobuf PrivateKey holding an Ed25519 seed and its public key.
const keyFileSize = 4 + 32 + 32

// readKeyFile applies ipnsname.ReadKeyFile's rules (a regular file, not
// accessible by group or others) and reads the key, reporting false for
// anything but keyFileSize bytes, which FromKeyFile would refuse.
func readKeyFile(path string) ([]byte, bool) {
	fd, err := open(path, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if syscall.Fstat(fd, &st) != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG || st.Mode&0o077 != 0 {
		return nil, false
	}
	b, ok := readAll(fd, keyFileSize+1)
	return b, ok && len(b) == keyFileSize
}

// registryName returns the k51… name of the key file b, as
// ipnsname.FromKeyFile does, refusing a key whose public half is not the
// seed's.
func registryName(b []byte) (string, bool) {
	if len(b) != keyFileSize || b[0] != 0x08 || b[1] != 0x01 || b[2] != 0x12 || b[3] != 64 {
		return "", false
	}
	seed, pub := b[4:36], b[36:]
	if want := publicKey(seed); string(want[:]) != string(pub) {
		return "", false
	}
	// CIDv1, libp2p-key, identity multihash of the protobuf PublicKey.
	c := append([]byte{0x01, 0x72, 0x00, 36, 0x08, 0x01, 0x12, 32}, pub...)
	return "k" + base36(c), true
}

func open(path string, flags int) (int, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// readAll reads fd to its end, reporting false on an error or when it
// holds more than max bytes.
func readAll(fd, max int) ([]byte, bool) {
	b := make([]byte, 0, 512)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n < 0 {
			return nil, false
		}
		if n == 0 {
			return b, true
		}
		b = b[:len(b)+n]
		if len(b) > max {
			return nil, false
		}
	}
}

func readFile(path string, max int) ([]byte, bool) {
	fd, err := open(path, 0)
	if err != nil {
		return nil, false
	}
	defer syscall.Close(fd)
	return readAll(fd, max)
}

func pread(fd int, b []byte, off int64) bool {
	for len(b) > 0 {
		n, err := syscall.Pread(fd, b, off)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return false
		}
		b, off = b[n:], off+int64(n)
	}
	return true
}

// base36 is multibase's base36 (lower case), as go-base36 writes it.
func base36(b []byte) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	num := append([]byte(nil), b[zeros:]...)
	var out []byte
	for len(num) > 0 {
		var rem int
		q := num[:0]
		for _, v := range num {
			acc := rem*256 + int(v)
			if d := acc / 36; d > 0 || len(q) > 0 {
				q = append(q, byte(d))
			}
			rem = acc % 36
		}
		out = append(out, digits[rem])
		num = q
	}
	for ; zeros > 0; zeros-- {
		out = append(out, '0')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// base32Lower is multibase 'b': RFC 4648 base32, lower case, no padding.
func base32Lower(b []byte) string {
	const digits = "abcdefghijklmnopqrstuvwxyz234567"
	out := make([]byte, 0, (len(b)*8+4)/5)
	var acc uint32
	var n uint
	for _, v := range b {
		acc = acc<<8 | uint32(v)
		n += 8
		for n >= 5 {
			n -= 5
			out = append(out, digits[acc>>n&31])
		}
	}
	if n > 0 {
		out = append(out, digits[acc<<(5-n)&31])
	}
	return string(out)
}
